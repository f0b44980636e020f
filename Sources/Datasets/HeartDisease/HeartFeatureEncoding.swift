/// The one-hot encoding FLamby applies to the cleaned heart-disease rows.
///
/// FLamby calls `pandas.get_dummies(features, columns=[2, 6], drop_first=True)` on the rows
/// of all four hospitals concatenated, so the categories come from the pooled data, not from
/// each site: a site that never saw `restecg == 1` still gets that column (all zeros), and
/// every site ends up with the same 13 features in the same order. get_dummies puts the
/// untouched columns first, in order, then one column per sorted category of cp (minus the
/// first), then the same for restecg.
struct HeartFeatureEncoding {
    /// Positions, within `HeartDiseaseFile.featureColumns`, of the columns to one-hot encode.
    static let categoricalColumns = [2, 6]  // cp, restecg

    /// Sorted distinct values of each categorical column, over all sites.
    let categories: [[Double]]

    init(pooling files: [HeartDiseaseFile]) {
        let width = HeartDiseaseFile.featureColumns.count
        categories = Self.categoricalColumns.map { column in
            var seen = Set<Double>()
            for file in files {
                for row in 0..<file.rowCount { seen.insert(file.features[row * width + column]) }
            }
            return seen.sorted()
        }
    }

    private var passthroughColumns: [Int] {
        HeartDiseaseFile.featureColumns.indices.filter { !Self.categoricalColumns.contains($0) }
    }

    /// Feature names in encoded order, e.g. "cp=2.0" for the indicator of `cp == 2`.
    var featureNames: [String] {
        var names = passthroughColumns.map { HeartDiseaseFile.columnNames[HeartDiseaseFile.featureColumns[$0]] }
        for (column, values) in zip(Self.categoricalColumns, categories) {
            let name = HeartDiseaseFile.columnNames[HeartDiseaseFile.featureColumns[column]]
            names += values.dropFirst().map { "\(name)=\($0)" }
        }
        return names
    }

    var encodedWidth: Int { passthroughColumns.count + categories.reduce(0) { $0 + $1.count - 1 } }

    /// The file's rows, encoded, as Float32 (values are rounded to Float once, at the end,
    /// as FLamby's `astype(np.float32)` does).
    func encode(_ file: HeartDiseaseFile) -> [Float] {
        let width = HeartDiseaseFile.featureColumns.count
        let passthrough = passthroughColumns
        var encoded = [Float]()
        encoded.reserveCapacity(file.rowCount * encodedWidth)
        for row in 0..<file.rowCount {
            let raw = file.features[(row * width)..<((row + 1) * width)]
            let base = raw.startIndex
            for column in passthrough { encoded.append(Float(raw[base + column])) }
            for (column, values) in zip(Self.categoricalColumns, categories) {
                let value = raw[base + column]
                for category in values.dropFirst() { encoded.append(value == category ? 1 : 0) }
            }
        }
        return encoded
    }
}
