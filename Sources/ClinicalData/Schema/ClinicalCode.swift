/// A terminology, named by its canonical FHIR URI.
///
/// Study and mapping files may write the common ones by short name ("loinc", "snomed",
/// "icd10cm", "rxnorm") or declare their own aliases for local code systems, so a hospital's
/// in-house codes can be mapped without pretending they are LOINC.
public struct CodeSystem: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uri: String

    public init(uri: String) { self.uri = uri }

    public static let loinc = CodeSystem(uri: "http://loinc.org")
    public static let snomed = CodeSystem(uri: "http://snomed.info/sct")
    public static let icd10cm = CodeSystem(uri: "http://hl7.org/fhir/sid/icd-10-cm")
    public static let rxnorm = CodeSystem(uri: "http://www.nlm.nih.gov/research/umls/rxnorm")
    /// UCUM: the system of `Quantity.code` when it carries a unit.
    public static let ucum = CodeSystem(uri: "http://unitsofmeasure.org")

    /// The short names every file may use.
    public static let wellKnown: [String: CodeSystem] = [
        "loinc": .loinc, "snomed": .snomed, "sct": .snomed, "snomedct": .snomed,
        "icd10cm": .icd10cm, "icd-10-cm": .icd10cm, "rxnorm": .rxnorm
    ]

    /// The short name when there is one ("loinc"), else the URI.
    public var description: String {
        switch self {
        case .loinc: "loinc"
        case .snomed: "snomed"
        case .icd10cm: "icd10cm"
        case .rxnorm: "rxnorm"
        default: uri
        }
    }

    /// A human name for messages: "LOINC", "SNOMED CT", ...
    public var displayName: String {
        switch self {
        case .loinc: "LOINC"
        case .snomed: "SNOMED CT"
        case .icd10cm: "ICD-10-CM"
        case .rxnorm: "RxNorm"
        default: uri
        }
    }
}

/// One code of one terminology, e.g. LOINC 2093-3 (total cholesterol).
public struct ClinicalCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public var system: CodeSystem
    public var code: String

    public init(_ system: CodeSystem, _ code: String) {
        self.system = system
        self.code = code
    }

    /// "loinc:2093-3", the form study files use.
    public var description: String { "\(system):\(code)" }

    /// Reads "system:code" where system is a short name or an alias in `aliases`.
    public init?(parsing text: String, aliases: [String: CodeSystem] = [:]) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon].trimmingSpaces.lowercased()
        let code = text[text.index(after: colon)...].trimmingSpaces
        guard !code.isEmpty, let system = aliases[name] ?? CodeSystem.wellKnown[name] else { return nil }
        self.init(system, code)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }
}
