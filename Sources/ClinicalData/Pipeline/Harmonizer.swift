import Foundation

/// Reads a site's export with a study: the one entry point from raw data to study rows and
/// the exact counts of the quality report.
public struct Harmonizer: Sendable {
    public var study: StudySchema
    /// Buffer size for streaming FHIR files.
    public var chunkSize = 1 << 20

    public init(study: StudySchema) {
        self.study = study
    }

    /// Reads `source`. Record-level problems are counted in the result; only a missing source
    /// stops the run (and `requireRows` when no patient is left).
    public func run(_ source: ClinicalSource) throws -> HarmonizedCohort {
        let extractor = CohortExtractor(study: study)
        let clock = ContinuousClock()
        let start = clock.now
        try read(source, into: extractor)
        extractor.finish()
        let seconds = (clock.now - start).inSeconds
        return HarmonizedCohort(study: study, source: source, extractor: extractor, seconds: seconds)
    }

    /// Feeds `source` into an extractor the caller owns (the benchmark reads the same files
    /// several times into one extractor).
    public func read(_ source: ClinicalSource, into extractor: CohortExtractor) throws {
        switch source {
        case .fhir(let directory):
            let files = try ClinicalSource.fhirFiles(in: directory)
            let reader = FHIRFileReader(resources: FHIRResourceReader(index: extractor.index), chunkSize: chunkSize)
            for file in files {
                reader.read(file, format: file.hasSuffix(".ndjson") ? .ndjson : .bundle, into: extractor)
            }
        case .syntheaCSV(let directory):
            try SyntheaCSVReader(directory: directory).read(into: extractor)
        case .mappedCSV(let files, let mapping):
            for file in files {
                guard FileManager.default.fileExists(atPath: file.path) else {
                    throw ClinicalDataError.sourceNotFound(path: file.path, remedy: "check the --csv path")
                }
                MappedCSVReader(mapping: mapping).read(file.path, into: extractor)
            }
        }
    }
}
