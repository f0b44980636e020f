import Foundation
import Learning

/// A site's training-ready dataset as written by `cohort data prepare` and read by
/// `cohort simulate` and `cohort site`.
///
/// Format (`cohort-prepared/1`, documented in `Resources/FORMATS.md`): UTF-8 CSV preceded by
/// `# key: value` header lines. The header names the study and the SHA-256 of its file, the
/// site, and the standardization statistics agreed across the federation; then one CSV header
/// row (the model columns, then the label) and one row per patient, values written as the
/// shortest decimal that reads back as the same Float32. CSV rather than a binary format
/// because a site's data steward must be able to open and audit what will be trained on.
/// Values are imputed and encoded but not standardized: standardization is applied at load
/// time, with federated or site statistics as the study run chooses.
public struct PreparedDataset: Sendable, Hashable {
    public static let format = "cohort-prepared/1"

    public var study: String
    public var studyHash: String
    public var site: String
    public var columns: [String]
    public var labelName: String
    public var data: Dataset
    /// Means and standard deviations per column agreed across the federation (nil when the
    /// file was prepared without them).
    public var statistics: FeatureStatistics?
    /// Where imputation and standardization statistics came from, for people.
    public var statisticsSource: String

    public init(
        study: String, studyHash: String, site: String, columns: [String], labelName: String, data: Dataset,
        statistics: FeatureStatistics?, statisticsSource: String
    ) {
        precondition(columns.count == data.featureCount, "one name per column")
        self.study = study
        self.studyHash = studyHash
        self.site = site
        self.columns = columns
        self.labelName = labelName
        self.data = data
        self.statistics = statistics
        self.statisticsSource = statisticsSource
    }

    /// Encodes `cohort`'s rows with the federation's (or the site's own) statistics.
    public init(cohort: HarmonizedCohort, site: String, statistics: FederatedStatistics) {
        let encoder = CohortEncoder(study: cohort.study)
        let sites = statistics.summary.sites
        self.init(
            study: cohort.study.id, studyHash: cohort.study.sha256, site: site, columns: encoder.layout.names,
            labelName: cohort.study.label.name, data: encoder.encode(cohort.rows, imputation: statistics.imputationValues),
            statistics: statistics.standardization,
            statisticsSource: sites.count == 1 && sites[0] == site
                ? "local (this site only)" : "federated over \(sites.count) sites: \(sites.joined(separator: ", "))")
    }

    // MARK: Writing

    /// The file's text.
    public func text() -> String {
        var lines = [
            "# \(Self.format)", "# study: \(study)", "# study_sha256: \(studyHash)", "# site: \(site)",
            "# rows: \(data.count)", "# label: \(labelName)", "# statistics: \(statisticsSource)"
        ]
        if let statistics {
            lines.append("# standardization_mean: " + statistics.mean.map { "\($0)" }.joined(separator: ","))
            lines.append("# standardization_std: " + statistics.standardDeviation.map { "\($0)" }.joined(separator: ","))
        }
        lines.append((columns + [labelName]).map(Self.quoted).joined(separator: ","))
        let width = data.featureCount
        for row in 0..<data.count {
            var fields = [String]()
            fields.reserveCapacity(width + 1)
            for column in 0..<width { fields.append(Self.number(data.features[row * width + column])) }
            fields.append(Self.number(data.labels[row]))
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes atomically (temporary file, then rename).
    public func write(to url: URL) throws {
        do {
            try Data(text().utf8).write(to: url, options: .atomic)
        } catch {
            throw ClinicalDataError.invalidOption("cannot write \(url.path): \(error.localizedDescription); check that the directory exists and is writable")
        }
    }

    /// "63" rather than "63.0": the shortest text that reads back as the same Float.
    private static func number(_ value: Float) -> String {
        value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : "\(value)"
    }

    private static func quoted(_ name: String) -> String {
        name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
    }

    // MARK: Reading

    /// Reads a prepared file (or the `dataset.csv` inside a prepared site folder). With
    /// `expectedHash`, refuses a file prepared with a different study file.
    public static func load(from url: URL, expectedHash: String? = nil) throws -> PreparedDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ClinicalDataError.sourceNotFound(path: url.path, remedy: "pass a dataset.csv written by `cohort data prepare`, or its folder")
        }
        let file = isDirectory.boolValue ? url.appendingPathComponent("dataset.csv") : url
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ClinicalDataError.sourceNotFound(path: file.path, remedy: "pass a dataset.csv written by `cohort data prepare`, or its folder")
        }
        let dataset = try parse(text, path: file.path)
        if let expectedHash, dataset.studyHash != expectedHash {
            throw ClinicalDataError.schemaMismatch(path: file.path, expected: expectedHash, found: dataset.studyHash)
        }
        return dataset
    }

    static func parse(_ text: String, path: String) throws -> PreparedDataset {
        var header = [String: String]()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().makeIterator()
        func failure(_ line: Int?, _ problem: String) -> ClinicalDataError {
            ClinicalDataError.invalidPreparedFile(path: path, line: line, problem: problem)
        }
        guard let (_, first) = lines.next(), first.trimmingSpaces == "# \(format)" else {
            throw failure(1, "does not start with '# \(format)'; not a prepared dataset")
        }
        var columnLine: (Int, Substring)?
        while let (number, line) = lines.next() {
            if line.hasPrefix("#") {
                let body = line.dropFirst().trimmingSpaces
                guard let colon = body.firstIndex(of: ":") else { throw failure(number + 1, "header line without 'key: value'") }
                header[String(body[..<colon])] = body[body.index(after: colon)...].trimmingSpaces
            } else {
                columnLine = (number + 1, line)
                break
            }
        }
        guard let study = header["study"], let hash = header["study_sha256"], let site = header["site"],
            let labelName = header["label"]
        else {
            throw failure(nil, "the header lacks study, study_sha256, site or label")
        }
        guard let (_, namesLine) = columnLine else { throw failure(nil, "no column header row") }
        let names = CSVLine.fields(namesLine)
        guard names.count >= 2, names.last == labelName else {
            throw failure(nil, "the column row must list the model columns and end with the label '\(labelName)'")
        }
        let width = names.count - 1
        var features = [Float]()
        var labels = [Float]()
        while let (number, line) = lines.next() {
            if line.trimmingSpaces.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == width + 1 else {
                throw failure(number + 1, "\(fields.count) values where the header has \(width + 1)")
            }
            for field in fields.dropLast() {
                guard let value = Float(field.trimmingSpaces), value.isFinite else {
                    throw failure(number + 1, "'\(field)' is not a finite number")
                }
                features.append(value)
            }
            guard let label = Float(fields.last!.trimmingSpaces), label == 0 || label == 1 else {
                throw failure(number + 1, "label '\(fields.last!)' is not 0 or 1")
            }
            labels.append(label)
        }
        if let rows = header["rows"].flatMap(Int.init), rows != labels.count {
            throw failure(nil, "the header announces \(rows) rows but the file has \(labels.count); the file is truncated")
        }
        var statistics: FeatureStatistics?
        if let means = header["standardization_mean"], let deviations = header["standardization_std"] {
            let mean = means.split(separator: ",").compactMap { Float($0.trimmingSpaces) }
            let std = deviations.split(separator: ",").compactMap { Float($0.trimmingSpaces) }
            guard mean.count == width, std.count == width else {
                throw failure(nil, "standardization statistics have \(mean.count)/\(std.count) values for \(width) columns")
            }
            statistics = FeatureStatistics(mean: mean, standardDeviation: std)
        }
        return PreparedDataset(
            study: study, studyHash: hash, site: site, columns: Array(names.dropLast()), labelName: labelName,
            data: Dataset(features: features, labels: labels, exampleShape: Shape([width]), task: .binary),
            statistics: statistics, statisticsSource: header["statistics"] ?? "")
    }
}

/// Splits one CSV line, honouring double quotes (column names may contain commas).
enum CSVLine {
    static func fields(_ line: Substring) -> [String] {
        var fields = [String]()
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                if !field.isEmpty { field.append("\"") }
                quoted = true
            } else if character == "," {
                fields.append(field.trimmingSpaces)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field.trimmingSpaces)
        return fields
    }
}
