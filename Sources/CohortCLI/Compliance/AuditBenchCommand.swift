import ArgumentParser
import CohortBench
import Compliance
import Foundation

/// `cohort audit bench`: what auditing costs on this machine.
struct AuditBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure appending (signing included) and verifying an audit trail.",
        discussion: """
            Appends N realistic update_sent entries without fsync (the cost of building, hashing, signing and \
            writing), then a sample with fsync after every entry (the disk's flush latency) and with group \
            commit, then verifies the N-entry trail. Files go to a temporary directory and are removed.
            """)

    @Option(help: "Entries in the trail to append and verify.")
    var entries: Int = 100_000

    @Option(help: "Entries appended with fsync after each (slow on most disks: a sample).")
    var fsyncEntries: Int = 2_000

    @Option(help: "Group commit for the batched figure: fsync every this many entries.")
    var batch: Int = 64

    @Option(help: "Directory for the benchmark's trails (default: a temporary directory).")
    var dir: String?

    @Flag(help: "Also time verifying every signature.")
    var allSignatures = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        guard entries >= 1, fsyncEntries >= 1, batch >= 1 else { throw CohortError("--entries, --fsync-entries and --batch must be at least 1") }
        let fileManager = FileManager.default
        let directory = URL(fileURLWithPath: dir ?? NSTemporaryDirectory()).appendingPathComponent(
            "cohort-audit-bench-\(ProcessInfo.processInfo.processIdentifier)")
        do { try fileManager.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw CohortError("cannot create \(directory.path): \(error.localizedDescription)")
        }
        defer { try? fileManager.removeItem(at: directory) }
        let result: AuditBenchmark.Result
        do {
            result = try AuditBenchmark.run(entries: entries, fsyncEntries: fsyncEntries, batch: batch, directory: directory, allSignatures: allSignatures)
        } catch {
            throw CohortError("\(error)")
        }
        if json {
            print(try JSONOutput.string(result, pretty: true))
        } else {
            let f = { (value: Double) in String(format: "%.2f", value) }
            print(
                "append, signed, no fsync:        \(f(result.appendMicrosecondsUnsynced)) us/entry (\(entries) entries, \(result.fileBytes / max(entries, 1)) bytes/entry)"
            )
            print("append, signed, fsync each:      \(f(result.appendMicrosecondsFsync)) us/entry (\(result.fsyncEntries) entries)")
            print("append, signed, fsync every \(batch): \(f(result.appendMicrosecondsBatched)) us/entry (\(result.batchedEntries) entries)")
            print("verify \(entries + 1) entries (chain + head signature, \(result.threads) threads): \(f(result.verifySeconds)) s")
            if let all = result.verifyAllSignaturesSeconds { print("verify every signature: \(f(all)) s") }
        }
    }
}
