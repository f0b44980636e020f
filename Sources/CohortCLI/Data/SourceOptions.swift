import ArgumentParser
import ClinicalData
import Foundation

/// The flags that name a site's export: exactly one of --fhir, --synthea-csv, --csv (+ --mapping).
struct SourceOptions: ParsableArguments {
    @Option(name: .customLong("fhir"), help: "Folder of FHIR R4 bundles (*.json) or bulk NDJSON (*.ndjson), read recursively.")
    var fhir: String?

    @Option(name: .customLong("synthea-csv"), help: "Folder of Synthea's CSV export (patients.csv, observations.csv, ...).")
    var syntheaCSV: String?

    @Option(name: .customLong("csv"), parsing: .upToNextOption, help: "CSV files with one patient per row (one per hospital; several may follow one --csv).")
    var csv: [String] = []

    @Option(help: "Mapping of the CSV columns to study codes: a .yaml path or a shipped mapping name.")
    var mapping: String?

    func source() throws -> ClinicalSource {
        let given = [fhir != nil, syntheaCSV != nil, !csv.isEmpty].filter { $0 }.count
        guard given == 1 else {
            throw CohortError(
                given == 0
                    ? "name the export: --fhir DIR, --synthea-csv DIR, or --csv FILE --mapping FILE"
                    : "give only one of --fhir, --synthea-csv, --csv")
        }
        if let fhir { return .fhir(URL(fileURLWithPath: fhir)) }
        if let syntheaCSV {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: syntheaCSV, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CohortError("\(syntheaCSV): directory not found; --synthea-csv takes the folder of Synthea's CSV export")
            }
            return .syntheaCSV(URL(fileURLWithPath: syntheaCSV))
        }
        guard let mapping else {
            throw CohortError("--csv needs --mapping FILE naming which column holds which code, unit and missing markers")
        }
        if let missing = csv.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
            throw CohortError("\(missing): file not found; check the --csv path")
        }
        return .mappedCSV(csv.map { URL(fileURLWithPath: $0) }, mapping: try ClinicalCLI.run { try CSVMapping.resolve(mapping) })
    }

    /// A default site name: the export's folder or file name ("site" for several CSV files).
    var defaultSiteName: String {
        if csv.count > 1 { return "site" }
        let path = fhir ?? syntheaCSV ?? csv.first ?? "site"
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return name.isEmpty ? "site" : name
    }
}

/// Helpers shared by the `cohort data` commands.
enum ClinicalCLI {
    /// Runs `body`, turning ClinicalData's errors into one-line `CohortError`s.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SchemaError {
            throw CohortError(error.description)
        } catch let error as ClinicalDataError {
            throw CohortError(error.description)
        }
    }

    static func study(_ nameOrPath: String) throws -> StudySchema {
        try run { try StudySchema.resolve(nameOrPath) }
    }

    static func harmonize(_ study: StudySchema, _ source: ClinicalSource) throws -> HarmonizedCohort {
        try run { try Harmonizer(study: study).run(source) }
    }

    static func writeText(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CohortError("cannot write \(path): \(error.localizedDescription); check that the directory exists and is writable")
        }
    }

    static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CohortError("cannot create \(path): \(error.localizedDescription); check the path and permissions")
        }
    }
}
