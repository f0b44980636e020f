import Foundation

/// The shipped unit tables (`Resources/units/`): non-UCUM unit texts and what they mean, and the
/// LOINC codes whose unit is fixed by definition with the mislabels accepted for them.
///
/// Both are data rather than code so that a site can read (and a steward check) exactly which
/// texts Cohort reinterprets; both are loaded once.
public enum UnitTables {
    /// Exact unit text -> UCUM unit.
    public static let synonyms: [String: String] = {
        guard let url = ClinicalResources.url(for: "units/unit-synonyms.yaml"), let table = try? load(url) else { return [:] }
        return table
    }()

    /// A LOINC code's unit by definition and the texts accepted as that unit.
    public struct FixedUnit: Hashable, Sendable {
        public var unit: String
        public var accepts: [String]
    }

    public static let fixedUnits: [ClinicalCode: FixedUnit] = {
        guard let url = ClinicalResources.url(for: "units/loinc-fixed-units.yaml"), let table = try? loadFixed(url) else { return [:] }
        return table
    }()

    /// The UCUM form of `text`: itself when it parses, else its synonym, else itself (to be refused).
    public static func ucum(_ text: String) -> String {
        if UCUMUnit.problem(with: text) == nil { return text }
        return synonyms[text] ?? text
    }

    static func load(_ url: URL) throws -> [String: String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let root = try YAMLField.document(text, file: url.path).mapping(allowing: ["source", "synonyms"])
        var table = [String: String]()
        for (key, value) in try root.required("synonyms", "list the synonyms").pairs() {
            let unit = try value.string()
            if let problem = UCUMUnit.problem(with: unit) { throw value.failure("'\(unit)' is not UCUM (\(problem))") }
            table[key] = unit
        }
        return table
    }

    static func loadFixed(_ url: URL) throws -> [ClinicalCode: FixedUnit] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let root = try YAMLField.document(text, file: url.path).mapping(allowing: ["source", "codes"])
        var table = [ClinicalCode: FixedUnit]()
        for field in try root.required("codes", "list the codes").list() {
            let entry = try field.mapping(allowing: ["loinc", "unit", "accepts"])
            let code = ClinicalCode(.loinc, try entry.required("loinc", "the LOINC code").string())
            table[code] = FixedUnit(
                unit: try entry.required("unit", "its unit by definition").string(),
                accepts: try entry.required("accepts", "the texts accepted as that unit").listOrScalar().map { try $0.string() })
        }
        return table
    }
}
