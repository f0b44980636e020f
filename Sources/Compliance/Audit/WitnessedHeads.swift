import Federation
import Foundation

/// What another party's trail witnessed of a participant's trail: every `trail_witnessed`
/// entry naming it (a site's heads on the coordinator's trail, the coordinator's on a site's).
/// Verifying a trail against the highest of them catches what the trail's own files cannot
/// show: entries cut from its end, or the whole trail rewritten and signed again with the key
/// that sits beside it, since the hash chain makes every later entry's hash depend on all
/// earlier ones.
///
/// ```swift
/// let witnessed = try WitnessedHeads.read(witness: coordinatorTrail, key: coordinatorKey, participant: "site-a")
/// var verifier = AuditVerifier(trustedKey: siteKey)
/// verifier.anchor = witnessed.latest
/// ```
public struct WitnessedHeads: Sendable {
    /// The witness trail's own verification: a damaged witness proves nothing.
    public var witness: AuditVerification
    /// The heads the witness recorded for the participant, in the witness's order.
    public var heads: [AuditAnchor]

    /// The furthest position witnessed (the one that catches a cut tail).
    public var latest: AuditAnchor? { heads.max { $0.sequence < $1.sequence } }

    /// Reads `witness` (checked against `key`, or the key its first entry names) and collects
    /// what it recorded of `participant`'s trail. A witness entry that is not a head (a
    /// malformed hash) is skipped: verification never trusts it.
    public static func read(witness url: URL, verifier: AuditVerifier = AuditVerifier(), participant: String) throws(AuditError) -> WitnessedHeads {
        let log = try AuditLog.read(at: url, verifier: verifier)
        var heads: [AuditAnchor] = []
        for entry in log.entries {
            if case .trailWitnessed(_, _, let named, let sequence, let hash) = entry.event, named == participant,
                let head = TrailHead(sequence: sequence, entryHash: hash)
            {
                heads.append(AuditAnchor(head))
            }
        }
        return WitnessedHeads(witness: log.verification, heads: heads)
    }

    /// The name other trails record `trail`'s heads under: its participant's, or
    /// `SiteCompliance.coordinatorParticipant` for a coordinator's trail. Reads only the first
    /// line (the trail itself is verified separately, against the witnessed head).
    public static func witnessName(of trail: URL) throws(AuditError) -> String {
        guard FileManager.default.fileExists(atPath: trail.path) else { throw .missing(path: trail.path) }
        let firstLine: String
        do {
            let handle = try FileHandle(forReadingFrom: trail)
            defer { try? handle.close() }
            var bytes = Data()
            while !bytes.contains(0x0A), let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { bytes.append(chunk) }
            firstLine = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        } catch {
            throw .unreadable(path: trail.path, reason: error.localizedDescription)
        }
        let entry: AuditEntry
        do { entry = try AuditLineDecoder.entry(firstLine) } catch {
            throw .unreadable(path: trail.path, reason: "its first entry cannot be read: \(error)")
        }
        guard case .trailStarted(let name, let role, _, _) = entry.event else { return entry.participant }
        return role == .coordinator ? SiteCompliance.coordinatorParticipant : name
    }
}

extension AuditAnchor {
    /// The anchor a witnessed head stands for.
    public init(_ head: TrailHead) {
        self.init(sequence: head.sequence, hash: head.entryHash)
    }

    /// This position as a head another party can witness (nil if it is not one).
    public var trailHead: TrailHead? { TrailHead(sequence: sequence, entryHash: hash) }
}
