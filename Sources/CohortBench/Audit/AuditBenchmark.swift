import Compliance
import Crypto
import Foundation

/// What auditing costs on this machine: appending (build, hash, sign, write) with and without
/// fsync, and verifying a trail. `cohort audit bench` prints it.
package enum AuditBenchmark {
    package struct Result: Sendable, Encodable {
        package var entries: Int
        package var threads: Int
        package var fileBytes = 0
        package var appendMicrosecondsUnsynced = 0.0
        package var appendMicrosecondsFsync = 0.0
        package var fsyncEntries = 0
        package var appendMicrosecondsBatched = 0.0
        package var batchedEntries = 0
        package var batch = 0
        package var verifySeconds = 0.0
        package var verifyAllSignaturesSeconds: Double?
    }

    /// Appends `entries` realistic update_sent entries unsynced, a sample of `fsyncEntries`
    /// with fsync after each, and one with fsync every `batch`; then verifies the first trail.
    package static func run(entries: Int, fsyncEntries: Int, batch: Int, directory: URL, allSignatures: Bool) throws(AuditError) -> Result {
        let signer = AuditSigner(name: "site-bench", role: .site, privateKey: Curve25519.Signing.PrivateKey())
        var result = Result(entries: entries, threads: ProcessInfo.processInfo.activeProcessorCount)
        let unsynced = directory.appendingPathComponent("unsynced.jsonl")
        result.appendMicrosecondsUnsynced = try time(entries, into: unsynced, signer: signer, durability: .unsynced)
        result.fileBytes = ((try? FileManager.default.attributesOfItem(atPath: unsynced.path)[.size]) as? Int) ?? 0
        result.fsyncEntries = min(entries, fsyncEntries)
        result.appendMicrosecondsFsync = try time(
            result.fsyncEntries, into: directory.appendingPathComponent("fsync.jsonl"), signer: signer,
            durability: .everyEntry)
        result.batchedEntries = min(entries, max(fsyncEntries, 20_000))
        result.batch = batch
        result.appendMicrosecondsBatched = try time(
            result.batchedEntries, into: directory.appendingPathComponent("batched.jsonl"),
            signer: signer, durability: .batched(entries: batch, interval: .milliseconds(50)))
        let start = ContinuousClock.now
        let verification = try AuditVerifier(trustedKey: signer.identity.publicKey).verify(at: unsynced)
        result.verifySeconds = (ContinuousClock.now - start) / .seconds(1)
        guard verification.isIntact, verification.entries == entries + 1 else {
            throw .damaged(path: unsynced.path, damage: verification.damage ?? AuditDamage(entry: 0, kind: .truncated, reason: "wrong entry count"))
        }
        if allSignatures {
            let start = ContinuousClock.now
            _ = try AuditVerifier(trustedKey: signer.identity.publicKey, signatures: .all).verify(at: unsynced)
            result.verifyAllSignaturesSeconds = (ContinuousClock.now - start) / .seconds(1)
        }
        return result
    }

    /// Mean microseconds per append of `count` entries into a new trail.
    private static func time(_ count: Int, into url: URL, signer: AuditSigner, durability: AuditDurability) throws(AuditError) -> Double {
        let trail = try AuditTrail.create(at: url, signer: signer, durability: durability)
        let hash = String(repeating: "ab", count: 32)
        let start = ContinuousClock.now
        for index in 0..<count {
            let round = index / 4 + 1
            try trail.append(
                .updateSent(
                    SentUpdate(
                        study: "bench-study", round: round, site: "site-bench", rows: 1_000 + index % 97, bytes: 4 * 100_000, payloadSHA256: hash,
                        secureAggregation: index % 2 == 0,
                        privacy: UpdatePrivacy(
                            noiseMultiplier: 1.1, samplingRate: 0.01, steps: 50, clipNorm: 1, delta: 1e-5,
                            epsilonAfter: 0.1 + Double(round) * 0.001))))
        }
        try trail.close()
        return (ContinuousClock.now - start) / .microseconds(1) / Double(count)
    }
}
