import Foundation

/// Where a site's raw export is.
public enum ClinicalSource: Hashable, Sendable, CustomStringConvertible {
    /// A folder of FHIR R4 Bundles (`*.json`) and/or bulk-data NDJSON (`*.ndjson`), searched recursively.
    case fhir(URL)
    /// A folder of Synthea's CSV export (`patients.csv`, `observations.csv`, ...).
    case syntheaCSV(URL)
    /// CSV files with one patient per row, read through a mapping file.
    case mappedCSV([URL], mapping: CSVMapping)

    public var description: String {
        switch self {
        case .fhir(let url): "FHIR R4 \(url.path)"
        case .syntheaCSV(let url): "Synthea CSV \(url.path)"
        case .mappedCSV(let urls, let mapping): "CSV \(urls.map(\.path).joined(separator: ", ")) with mapping \(mapping.name)"
        }
    }

    /// The kind, for reports: "fhir", "synthea-csv" or "csv".
    public var kind: String {
        switch self {
        case .fhir: "fhir"
        case .syntheaCSV: "synthea-csv"
        case .mappedCSV: "csv"
        }
    }

    public var paths: [String] {
        switch self {
        case .fhir(let url), .syntheaCSV(let url): [url.path]
        case .mappedCSV(let urls, _): urls.map(\.path)
        }
    }

    /// The FHIR files under `directory`, sorted by path so every run reads them in the same order.
    public static func fhirFiles(in directory: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw ClinicalDataError.sourceNotFound(path: directory.path, remedy: "pass the folder that holds the FHIR bundles (*.json) or NDJSON files")
        }
        guard isDirectory.boolValue else {
            let name = directory.lastPathComponent
            guard name.hasSuffix(".json") || name.hasSuffix(".ndjson") else {
                throw ClinicalDataError.sourceNotFound(path: directory.path, remedy: "--fhir takes a folder of *.json bundles or *.ndjson files")
            }
            return [directory.path]
        }
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files = [String]()
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".json") || relative.hasSuffix(".ndjson") {
                files.append(directory.appendingPathComponent(relative).path)
            }
        }
        return files.sorted()
    }
}
