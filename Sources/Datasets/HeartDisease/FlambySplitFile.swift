import Foundation

/// The shipped record of FLamby's train/test indices (see `scripts/make_heart_split.py`).
///
/// Indices count the rows that survive cleaning, in file order; `rows` and `positives` are
/// stored too so that applying the split to different data is caught instead of silently
/// mixing up patients.
struct FlambySplitFile: Decodable {
    struct Center: Decodable {
        var name: String
        var rows: Int
        var positives: Int
        var train: [Int]
        var test: [Int]
    }

    var centers: [Center]
    /// Where it was read from, for error messages.
    var path: String = ""

    private enum CodingKeys: String, CodingKey { case centers }

    static func bundled() throws -> FlambySplitFile {
        let url = try BundledResources.url(for: "uci-heart-disease/flamby-split.json")
        let bytes = try InputFile.contents(of: url, remedy: "rebuild Cohort; the file ships with it")
        do {
            var file = try JSONDecoder().decode(FlambySplitFile.self, from: bytes)
            file.path = url.path
            return file
        } catch {
            throw DatasetError.corruptFile(path: url.path, detail: "not the expected JSON: \(error)")
        }
    }

    /// The split of `site`, checked against the cleaned file it is applied to.
    func split(forSite name: String, of file: HeartDiseaseFile) throws -> TrainTestSplit {
        guard let center = centers.first(where: { $0.name == name }) else {
            throw DatasetError.splitMismatch(path: path, detail: "no split for site '\(name)'")
        }
        let positives = file.labels.reduce(0) { $0 + Int($1) }
        guard center.rows == file.rowCount, center.positives == positives else {
            throw DatasetError.splitMismatch(
                path: file.path,
                detail: "has \(file.rowCount) usable rows (\(positives) positive) but FLamby's split "
                    + "is defined for \(center.rows) (\(center.positives) positive)")
        }
        let all = (center.train + center.test).sorted()
        guard all == Array(0..<center.rows) else {
            throw DatasetError.corruptFile(path: path, detail: "site '\(name)' indices do not cover rows 0..<\(center.rows) exactly once")
        }
        return TrainTestSplit(train: center.train.sorted(), test: center.test.sorted())
    }
}
