/// One input of the study's model, defined independently of any hospital's export.
public struct FeatureDefinition: Hashable, Sendable {
    /// Where the value comes from.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Completed years at the index date, from the birth date (or a mapped age column).
        case age
        /// Administrative sex: categories `female` and `male`.
        case sex
        /// A measured value (lab, vital sign) converted to `unit`, aggregated over the record.
        case quantity
        /// A coded or textual observation value (e.g. smoking status), one of `categories`.
        case category
        /// Whether (or how often) one of the condition codes was recorded.
        case condition
        /// Whether (or how often) one of the medication codes was prescribed.
        case medication
        /// How many encounters the patient had in the window.
        case encounters
    }

    public var name: String
    public var kind: Kind
    /// The codes that identify the feature's records (any of them matches).
    public var codes: [ClinicalCode]
    /// For condition features: the value sets, codes, status and verification that define it.
    public var condition: ConditionDefinition?
    /// Canonical UCUM unit for quantities; every value is converted to it.
    public var unit: String?
    /// g/mol, for analytes reported both in mass (mg/dL) and substance (mmol/L) concentration.
    public var molarMass: Double?
    /// The ion's charge, for values reported in equivalents (mEq/L is mmol/L times the valence).
    public var valence: Int?
    /// Conversions the units do not give, by the unit text they read (`convert:`).
    public var conversions: [String: ClinicalConversion]
    /// What a censored result (">60", "<5") becomes.
    public var censored: CensoredPolicy
    public var aggregation: Aggregation
    /// Only records within this many days before the index date count (nil: all before it).
    public var windowDays: Int?
    public var plausible: PlausibleRange?
    public var outOfRange: OutOfRangePolicy
    public var categories: [CategoryDefinition]
    public var encoding: CategoryEncoding
    /// Overrides the study's missing-indicator choice for this feature.
    public var missingIndicator: Bool?
    /// Bins of the federated histogram over `plausible`.
    public var bins: Int
    public var description: String

    public init(
        name: String, kind: Kind, codes: [ClinicalCode] = [], unit: String? = nil, molarMass: Double? = nil,
        aggregation: Aggregation = .last, windowDays: Int? = nil, plausible: PlausibleRange? = nil,
        outOfRange: OutOfRangePolicy = .missing, categories: [CategoryDefinition] = [],
        encoding: CategoryEncoding = .oneHotDropFirst, missingIndicator: Bool? = nil, bins: Int = 100,
        description: String = "", condition: ConditionDefinition? = nil, valence: Int? = nil,
        conversions: [String: ClinicalConversion] = [:], censored: CensoredPolicy = .drop
    ) {
        self.name = name
        self.kind = kind
        self.codes = codes
        self.valence = valence
        self.conversions = conversions
        self.censored = censored
        self.condition = condition ?? (kind == .condition ? ConditionDefinition(codes: codes) : nil)
        self.unit = unit
        self.molarMass = molarMass
        self.aggregation = aggregation
        self.windowDays = windowDays
        self.plausible = plausible
        self.outOfRange = outOfRange
        self.categories = categories
        self.encoding = encoding
        self.missingIndicator = missingIndicator
        self.bins = bins
        self.description = description
    }

    /// Whether the value is one of `categories` (stored as the category's position) rather than a number.
    public var isCategorical: Bool { kind == .sex || kind == .category }

    /// Whether the feature's values are 0 or 1 by definition: presence flags (a condition or
    /// medication recorded, `aggregation: present`) and quantities whose plausible range is
    /// [0, 1] with two bins (a yes/no observation such as fasting blood sugar > 120 mg/dL).
    /// Such a column's mean is a count divided by a count, so the federation does not publish
    /// it, and a missing value is filled with the majority value rather than a bin midpoint.
    public var isYesNo: Bool {
        if isCategorical { return false }
        if aggregation == .present, kind != .age { return true }
        if let plausible, plausible.lowerBound == 0, plausible.upperBound == 1, bins <= 2 { return true }
        return false
    }

    /// Whether a patient can lack a value: counts and presence flags are 0 when nothing is recorded.
    public var canBeMissing: Bool {
        switch kind {
        case .condition, .medication, .encounters: false
        case .quantity, .category: !aggregation.definedWithoutRecords
        case .age, .sex: true
        }
    }

    /// Whether the feature adds a 0/1 column saying its value was censored (`censored: flag`).
    public var flagsCensoring: Bool { censored == .flag && kind == .quantity }

    /// The names of the model-input columns this feature becomes (before any missing indicator).
    public var encodedNames: [String] {
        guard isCategorical else { return [name] }
        switch encoding {
        case .oneHot: return categories.map { "\(name)=\($0.name)" }
        case .oneHotDropFirst: return categories.dropFirst().map { "\(name)=\($0.name)" }
        case .index: return [name]
        }
    }
}

/// What a study does with a censored result: a value reported only as a bound
/// (`valueQuantity.comparator`, or text such as ">60" or "<5" in a CSV), e.g. an eGFR above the
/// range the laboratory reports exactly. The bound is not the value, so the study decides.
public enum CensoredPolicy: String, Hashable, Sendable, CaseIterable, Codable {
    /// Discard it (counted in the report); the feature may end up missing.
    case drop
    /// Use the bound as the value (>60 is read as 60), counted in the report.
    case bound
    /// Use the bound and add a 0/1 column `<name>_censored` that is 1 when the value used was
    /// censored, so the model can tell.
    case flag
}
