/// One value of a categorical feature, and every way a record can say it.
///
/// FHIR sends smoking status as a SNOMED CT code, Synthea's CSV as display text, and a local
/// CSV as a number ("4" for asymptomatic chest pain); a category lists all three so the same
/// study reads every export.
public struct CategoryDefinition: Hashable, Sendable, Codable {
    public var name: String
    public var codes: [ClinicalCode]
    /// Display texts that mean this category, compared case-insensitively.
    public var texts: [String]
    /// A numeric value that means this category ("4" and "4.0" both match 4).
    public var value: Double?

    public init(name: String, codes: [ClinicalCode] = [], texts: [String] = [], value: Double? = nil) {
        self.name = name
        self.codes = codes
        self.texts = texts
        self.value = value
    }
}

/// How a categorical feature becomes model inputs.
public enum CategoryEncoding: String, Hashable, Sendable, CaseIterable, Codable {
    /// One 0/1 column per category.
    case oneHot = "one_hot"
    /// One 0/1 column per category but the first (pandas `get_dummies(drop_first=True)`,
    /// which FLamby uses): the columns stay linearly independent.
    case oneHotDropFirst = "one_hot_drop_first"
    /// One column holding the category's position (0, 1, ...), for ordered categories.
    case index
}
