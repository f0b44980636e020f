import ArgumentParser
import ClinicalData
import CohortBench
import Foundation

/// `cohort data bench`: FHIR reading throughput and peak memory on one core.
struct DataBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure FHIR R4 reading throughput (MB/s, one core) and peak memory.",
        discussion: """
            Reads every bundle under --fhir with the study (parse, match codes, convert units, aggregate \
            per patient), single-threaded. --repeat N reads the files N times as distinct patients, e.g. \
            --repeat 18 turns the 57 MB shared set into a ~1 GB export for the memory target. Compare with \
            the Python peer in the same run: scripts/fhir_bench_compare.sh.
            """)

    @Option(help: "Folder of FHIR R4 bundles.")
    var fhir: String

    @Option(help: "Study whose codes are extracted.")
    var study: String = "synthea-cardiovascular"

    @Option(help: "Read the files this many times (as distinct patients).")
    var `repeat`: Int = 1

    @Option(help: "Streaming buffer size in KiB.")
    var chunk: Int = 1024

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    struct Result: Codable {
        var tool = "cohort"
        var files: Int
        var bytes: Int
        var seconds: Double
        var cpuSeconds: Double
        var megabytesPerSecond: Double
        var peakRssBytes: Int
        var peakRssMegabytes: Double
        var patientsRead: Int
        var patientsKept: Int
        var resources: Int
        var repeats: Int
        var errors: Int
    }

    func run() async throws {
        guard `repeat` >= 1 else { throw CohortError("--repeat must be at least 1, got \(`repeat`)") }
        guard chunk >= 4 else { throw CohortError("--chunk must be at least 4 (KiB), got \(chunk)") }
        let study = try ClinicalCLI.study(self.study)
        let source = ClinicalSource.fhir(URL(fileURLWithPath: fhir))
        let fileCount = try ClinicalCLI.run { try ClinicalSource.fhirFiles(in: URL(fileURLWithPath: fhir)).count }
        guard fileCount > 0 else { throw CohortError("\(fhir): no *.json or *.ndjson files; pass the folder of FHIR bundles") }
        var harmonizer = Harmonizer(study: study)
        harmonizer.chunkSize = chunk * 1024
        ProcessMemory.resetPeak()
        let extractor = CohortExtractor(study: study)
        let cpuStart = Self.cpuSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<`repeat` {
            extractor.idSuffix = round == 0 ? "" : "#\(round)"
            try ClinicalCLI.run { try harmonizer.read(source, into: extractor) }
        }
        extractor.finish()
        let seconds = (clock.now - start).inSeconds
        let cpu = Self.cpuSeconds() - cpuStart
        let report = QualityReport(extractor: extractor, source: source, seconds: seconds)
        let peak = ProcessMemory.peakResidentBytes()
        let result = Result(
            files: report.files.read + report.files.failed, bytes: report.files.bytes, seconds: seconds, cpuSeconds: cpu,
            megabytesPerSecond: Double(report.files.bytes) / 1e6 / seconds,
            peakRssBytes: peak, peakRssMegabytes: Double(peak) / 1e6,
            patientsRead: report.patients.read, patientsKept: report.patients.kept,
            resources: report.resources.map(\.count).reduce(0, +), repeats: `repeat`, errors: report.errorCount)
        if json {
            print(try JSONOutput.string(result))
        } else {
            print(
                String(
                    format: "cohort data bench: %d files, %.1f MB in %.3f s (cpu %.3f s): %.1f MB/s on one core",
                    result.files, Double(result.bytes) / 1e6, seconds, cpu, result.megabytesPerSecond))
            print(
                String(
                    format: "  peak RSS %.1f MB; %d resources, %d patients read, %d kept, %d errors",
                    result.peakRssMegabytes, result.resources, result.patientsRead, result.patientsKept, result.errors))
        }
    }

    /// User + system CPU time of the calling thread (Linux) or process: the work runs on one
    /// thread, and the figure shows it used one core.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            getrusage(1 /* RUSAGE_THREAD */, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
