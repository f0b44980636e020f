/// The model-input columns a study's features become, in order: numbers as one column,
/// categories one-hot (or as an index), a 0/1 censoring flag after a quantity with
/// `censored: flag`, and a 0/1 missing indicator after each feature that can be missing when the
/// study imputes with indicators.
public struct ColumnLayout: Hashable, Sendable {
    public enum Column: Hashable, Sendable {
        case value(feature: Int)
        case indicator(feature: Int)
        case category(feature: Int, position: Int)
        case categoryIndex(feature: Int)
        /// 1 when the feature's value is a censored result kept at its bound.
        case censored(feature: Int)

        public var feature: Int {
            switch self {
            case .value(let feature), .indicator(let feature), .category(let feature, _), .categoryIndex(let feature),
                .censored(let feature):
                feature
            }
        }
    }

    public let columns: [Column]
    public let names: [String]

    public init(study: StudySchema) {
        var columns = [Column]()
        var names = [String]()
        let studyIndicator: Bool = if case .impute(let indicator) = study.missingValues { indicator } else { false }
        for (index, feature) in study.features.enumerated() {
            if feature.isCategorical {
                switch feature.encoding {
                case .oneHot: columns += feature.categories.indices.map { .category(feature: index, position: $0) }
                case .oneHotDropFirst: columns += feature.categories.indices.dropFirst().map { .category(feature: index, position: $0) }
                case .index: columns.append(.categoryIndex(feature: index))
                }
            } else {
                columns.append(.value(feature: index))
            }
            names += feature.encodedNames
            if feature.flagsCensoring {
                columns.append(.censored(feature: index))
                names.append("\(feature.name)_censored")
            }
            let imputes: Bool = if case .impute = study.missingValues { true } else { false }
            if imputes, feature.canBeMissing, feature.missingIndicator ?? studyIndicator {
                columns.append(.indicator(feature: index))
                names.append("\(feature.name)_missing")
            }
        }
        self.columns = columns
        self.names = names
    }

    public var count: Int { columns.count }
}
