import ArgumentParser
import Compliance
import Foundation

/// The options every command that reads a trail shares.
struct AuditTrailOptions: ParsableArguments {
    @Option(help: "The audit trail (JSON lines).")
    var trail: String

    @Option(help: "The key the trail must be signed with: a .pub PEM file or 64 hex digits. Without it the trail's own first entry names the key, which proves only that the trail is unaltered since then.")
    var publicKey: String?

    @Option(help: "An anchor recorded elsewhere, SEQ:HASH (from a report or the coordinator); catches a trail cut back to an earlier state.")
    var expectHead: String?

    @Flag(help: "Verify every entry's signature (in parallel), not only the head's.")
    var allSignatures = false

    func verifier() throws -> AuditVerifier {
        var verifier = AuditVerifier(signatures: allSignatures ? .all : .head)
        if let publicKey {
            do { verifier.trustedKey = try AuditKeyFile.readPublicKey(publicKey) } catch { throw CohortError("--public-key: \(error)") }
        }
        if let expectHead {
            guard let anchor = AuditAnchor(expectHead) else { throw CohortError("--expect-head must be SEQ:HASH (64 hex digits), got '\(expectHead)'") }
            verifier.anchor = anchor
        }
        return verifier
    }

    func read() throws -> AuditLog {
        do { return try AuditLog.read(at: URL(fileURLWithPath: trail), verifier: verifier()) } catch let error as AuditError {
            throw CohortError("\(error)")
        }
    }
}
