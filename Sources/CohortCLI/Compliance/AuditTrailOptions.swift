import ArgumentParser
import Compliance
import Foundation

/// The options every command that reads a trail shares.
struct AuditTrailOptions: ParsableArguments {
    @Option(help: "The audit trail (JSON lines).")
    var trail: String

    @Option(
        help:
            "The key the trail must be signed with: a .pub PEM file or 64 hex digits. Without it the trail's own first entry names the key, which proves only that the trail is unaltered since then."
    )
    var publicKey: String?

    @Option(help: "An anchor recorded elsewhere, SEQ:HASH (from a report or the coordinator); catches a trail cut back to an earlier state.")
    var expectHead: String?

    @Option(
        help:
            "Another party's trail that witnessed this one (the coordinator's for a site's trail, a site's for the coordinator's): the trail must hold the furthest head recorded there, so a cut tail or a rewritten, re-signed trail is caught."
    )
    var witnessedBy: String?

    @Option(help: "The key the --witnessed-by trail must be signed with (.pub PEM or 64 hex digits).")
    var witnessKey: String?

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
        if let witnessedBy {
            guard expectHead == nil else { throw CohortError("give --expect-head or --witnessed-by, not both") }
            verifier.anchor = try witnessedHead(in: witnessedBy)
        }
        return verifier
    }

    /// The furthest head `witness` recorded of this trail's participant; errors when the
    /// witness is damaged or recorded nothing of it.
    private func witnessedHead(in witness: String) throws -> AuditAnchor {
        var witnessVerifier = AuditVerifier()
        if let witnessKey {
            do { witnessVerifier.trustedKey = try AuditKeyFile.readPublicKey(witnessKey) } catch { throw CohortError("--witness-key: \(error)") }
        }
        let participant: String
        let heads: WitnessedHeads
        do {
            participant = try WitnessedHeads.witnessName(of: URL(fileURLWithPath: trail))
            heads = try WitnessedHeads.read(witness: URL(fileURLWithPath: witness), verifier: witnessVerifier, participant: participant)
        } catch {
            throw CohortError("--witnessed-by: \(error)")
        }
        if let damage = heads.witness.damage {
            throw CohortError("--witnessed-by \(witness): the witness trail is damaged at entry \(damage.entry) (\(damage.reason)); it proves nothing")
        }
        guard let latest = heads.latest else {
            throw CohortError(
                "--witnessed-by \(witness): it recorded no head of \(participant.isEmpty ? "this trail" : "'\(participant)'")'s trail (a study run before witnessed trails, or another study)"
            )
        }
        return latest
    }

    func read() throws -> AuditLog {
        do { return try AuditLog.read(at: URL(fileURLWithPath: trail), verifier: verifier()) } catch let error as AuditError {
            throw CohortError("\(error)")
        }
    }
}
