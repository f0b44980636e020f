import Federation
import Foundation
import Testing

@testable import Privacy

/// What a crash, an editor or a stray file can do to a ledger, and how each is reported:
/// never silently dropped, never repaired.
@Suite struct PrivacyLedgerFileTests {
    let site: SiteID = "hospital-a"
    let policy = try! PrivacyPolicy(maxEpsilon: 8, delta: 1e-5)

    /// A ledger with `rounds` entries, closed again, and its bytes.
    func makeLedger(_ directory: URL, rounds: Int = 3) async throws -> (URL, Data) {
        let url = directory.appendingPathComponent("ledger.jsonl")
        let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
        for round in 1...rounds {
            try await budget.record(
                PrivacyCharge(
                    study: "heart", round: round,
                    mechanism: try SampledGaussianMechanism(sampleRate: 0.01, noiseMultiplier: 1.1, steps: 100)))
        }
        return (url, try Data(contentsOf: url))
    }

    func lines(_ data: Data) -> [Data] { data.split(separator: UInt8(ascii: "\n")).map { Data($0) } }

    /// A crash mid-append leaves a last line without its newline: reported with its line number
    /// and where it starts, by both the budget and a plain read, and the file is left as it was.
    @Test func tornLastLineIsReportedNotDropped() async throws {
        try await withScratchDirectory { directory in
            let (url, complete) = try await makeLedger(directory)
            let torn = complete + Data(#"{"delta":1e-05,"entry":4,"epsi"#.utf8)
            try torn.write(to: url)
            let expected = PrivacyLedgerError.tornFinalLine(path: url.path, line: 5, byteOffset: complete.count, byteCount: torn.count - complete.count)
            #expect(throws: expected) { try PrivacyBudget(site: site, policy: policy, ledger: url) }
            #expect(throws: expected) { try PrivacyLedger.read(from: url) }
            #expect(try Data(contentsOf: url) == torn, "not repaired")
            #expect(expected.description.contains("truncate -s \(complete.count)"))
        }
    }

    /// A complete line that happens to be cut inside (JSON that does not parse) is just as fatal.
    @Test func damagedLineIsReportedWithItsNumber() async throws {
        try await withScratchDirectory { directory in
            let (url, complete) = try await makeLedger(directory)
            var lines = lines(complete)
            lines[2] = Data(lines[2].prefix(20))
            try (lines.map { $0 + Data("\n".utf8) }.reduce(Data(), +)).write(to: url)
            #expect {
                try PrivacyLedger.read(from: url)
            } throws: { error in
                guard case .malformedLine(_, let line, _) = error as? PrivacyLedgerError else { return false }
                return line == 3
            }
        }
    }

    /// Deleting a round from the middle is detected through the entry numbers.
    @Test func removedEntryIsDetected() async throws {
        try await withScratchDirectory { directory in
            let (url, complete) = try await makeLedger(directory)
            var lines = lines(complete)
            lines.remove(at: 2)
            try (lines.map { $0 + Data("\n".utf8) }.reduce(Data(), +)).write(to: url)
            #expect(throws: PrivacyLedgerError.outOfSequence(path: url.path, line: 3, expected: 2, found: 3)) {
                try PrivacyLedger.read(from: url)
            }
        }
    }

    /// An edited mechanism that no accountant would accept (σ = 0) is refused on reading.
    @Test func invalidMechanismInALineIsRefused() async throws {
        try await withScratchDirectory { directory in
            let (url, complete) = try await makeLedger(directory)
            let text = String(decoding: complete, as: UTF8.self).replacingOccurrences(of: #""noise_multiplier":1.1"#, with: #""noise_multiplier":0"#)
            try Data(text.utf8).write(to: url)
            #expect {
                try PrivacyLedger.read(from: url)
            } throws: { error in
                guard case .malformedLine(_, 2, _) = error as? PrivacyLedgerError else { return false }
                return true
            }
        }
    }

    @Test func emptyAndForeignFilesAreNotLedgers() async throws {
        try await withScratchDirectory { directory in
            let empty = directory.appendingPathComponent("empty.jsonl")
            try Data().write(to: empty)
            #expect(throws: PrivacyLedgerError.empty(path: empty.path)) { try PrivacyLedger.read(from: empty) }

            let foreign = directory.appendingPathComponent("other.jsonl")
            try Data(#"{"format":"something-else","version":1,"site":"x","created_at":"2026-01-01T00:00:00Z"}"#.utf8 + [10]).write(to: foreign)
            #expect {
                try PrivacyLedger.read(from: foreign)
            } throws: { "\($0)".contains("not a Cohort privacy ledger") }

            let newer = directory.appendingPathComponent("newer.jsonl")
            try Data(#"{"format":"cohort-privacy-ledger","version":2,"site":"x","created_at":"2026-01-01T00:00:00Z"}"#.utf8 + [10]).write(to: newer)
            #expect {
                try PrivacyLedger.read(from: newer)
            } throws: { "\($0)".contains("version 2") }
        }
    }

    /// Someone writes to the ledger behind the budget's back (the lock is advisory): the next
    /// append refuses instead of interleaving, and the file keeps what they wrote.
    @Test func changeBehindTheBudgetsBackStopsAppends() async throws {
        try await withScratchDirectory { directory in
            let (url, _) = try await makeLedger(directory, rounds: 1)
            let budget = try PrivacyBudget(site: site, policy: policy, ledger: url)
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("{}\n".utf8))
            try handle.close()
            let altered = try Data(contentsOf: url)
            let charge = PrivacyCharge(study: "heart", round: 2, mechanism: try SampledGaussianMechanism(sampleRate: 0.01, noiseMultiplier: 1.1, steps: 100))
            await #expect {
                try await budget.record(charge)
            } throws: { error in
                guard case .changedOnDisk = error as? PrivacyLedgerError else { return false }
                return true
            }
            #expect(try Data(contentsOf: url) == altered)
            #expect(await budget.report().rounds.count == 1, "the failed append left the budget as it was")
        }
    }
}
