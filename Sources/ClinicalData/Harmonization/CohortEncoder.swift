import Learning

/// Turns study rows into a training-ready `Dataset`: missing values filled with the agreed
/// imputation values, categories one-hot encoded, indicators set, Float32 throughout.
///
/// Values are rounded to Float once, at the end, as FLamby's `astype(np.float32)` does, so the
/// UCI study reproduces FLamby's features bit for bit.
public struct CohortEncoder: Sendable {
    public let study: StudySchema
    public let layout: ColumnLayout

    public init(study: StudySchema) {
        self.study = study
        layout = ColumnLayout(study: study)
    }

    /// `imputation` holds one value per feature (see `FederatedStatistics.imputationValues`);
    /// it is only consulted for missing values.
    public func encode(_ rows: [PatientRow], imputation: [Double]) -> Dataset {
        precondition(imputation.count == study.features.count, "one imputation value per feature")
        var features = [Float]()
        features.reserveCapacity(rows.count * layout.count)
        var labels = [Float]()
        labels.reserveCapacity(rows.count)
        for row in rows {
            for column in layout.columns {
                let raw = row.values[column.feature]
                let value = raw.isNaN ? imputation[column.feature] : raw
                switch column {
                case .value: features.append(Float(value))
                case .indicator: features.append(raw.isNaN ? 1 : 0)
                case .category(_, let position): features.append(Int(value) == position ? 1 : 0)
                case .categoryIndex: features.append(Float(value))
                case .censored(let feature): features.append(row.censored.indices.contains(feature) && row.censored[feature] ? 1 : 0)
                }
            }
            labels.append(Float(row.label))
        }
        return Dataset(features: features, labels: labels, exampleShape: Shape([layout.count]), task: .binary)
    }
}
