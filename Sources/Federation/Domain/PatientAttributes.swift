/// A patient characteristic the validation report groups test patients by.
///
/// Sex and age band are what every data set here can carry; race and ethnicity only where
/// the source records them (US Core's race and ethnicity extensions in FHIR Patient
/// resources), so a study that asks for them on data that lacks them is told so, never shown
/// an empty group as if it were a result.
public enum PatientAttribute: String, CaseIterable, Hashable, Sendable, Codable, Comparable {
    case sex
    case ageBand = "age_band"
    case race
    case ethnicity

    public static func < (lhs: PatientAttribute, rhs: PatientAttribute) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One group of patients: an attribute and one of its values (`sex` = `female`).
public struct PatientGroup: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var attribute: PatientAttribute
    public var value: String

    public init(_ attribute: PatientAttribute, _ value: String) {
        self.attribute = attribute
        self.value = value
    }

    public static func < (lhs: PatientGroup, rhs: PatientGroup) -> Bool {
        (lhs.attribute, lhs.value) < (rhs.attribute, rhs.value)
    }

    public var description: String { "\(attribute.rawValue)=\(value)" }
}

/// What a site knows about each of its test patients for subgroup analysis: one value per
/// test row and attribute (nil where that patient's value is not recorded).
///
/// It stays at the site with the rows it describes (`SiteData.testAttributes`): only the
/// per-group histograms built from it leave (`ValidationStatistics`). The values are the
/// group labels themselves (age is banded at the site by `AgeBands`), so no raw age or other
/// row value is ever part of a statistic.
public struct PatientAttributes: Hashable, Sendable {
    public private(set) var rowCount: Int
    public private(set) var values: [PatientAttribute: [String?]]

    public init(rowCount: Int) {
        self.rowCount = rowCount
        values = [:]
    }

    /// Records `attribute` for every test row, in row order.
    public mutating func set(_ attribute: PatientAttribute, _ column: [String?]) {
        precondition(column.count == rowCount, "one \(attribute.rawValue) value per test row")
        values[attribute] = column
    }

    /// The attributes recorded, in canonical order.
    public var recorded: [PatientAttribute] { values.keys.sorted() }

    /// The rows of `subset`'s positions (for a test split taken from a larger table).
    public func subset(_ rows: some Collection<Int>) -> PatientAttributes {
        var copy = PatientAttributes(rowCount: rows.count)
        for (attribute, column) in values { copy.values[attribute] = rows.map { column[$0] } }
        return copy
    }
}

/// Age bands for grouping: fixed cut points, so every site bands its patients the same way
/// and the bands add up across sites.
public enum AgeBands {
    /// Lower edges of the bands after the first: <45, 45-54, 55-64, 65+.
    public static let edges: [Double] = [45, 55, 65]

    /// Every band label, youngest first.
    public static var labels: [String] { (edges.map { $0 - 1 } + [edges.last!]).map(label(forAge:)) }

    /// The band label of an age in years.
    public static func label(forAge years: Double) -> String {
        guard let index = edges.firstIndex(where: { years < $0 }) else { return "\(Int(edges.last!))+" }
        if index == 0 { return "<\(Int(edges[0]))" }
        return "\(Int(edges[index - 1]))-\(Int(edges[index]) - 1)"
    }
}
