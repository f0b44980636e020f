import Crypto
import Foundation

/// A trail opened read-only: its verification and the entries that verified. Nothing here
/// writes, locks or repairs, so it works on a live trail, a damaged one, or an auditor's copy.
public struct AuditLog: Sendable {
    public var path: String
    public var verification: AuditVerification
    /// The entries before the first damage (all of them when the trail is intact).
    public var entries: [AuditEntry]

    /// Reads and verifies the trail at `url`. Damage does not throw: it is reported in
    /// `verification`, and the intact entries before it are still returned.
    public static func read(at url: URL, verifier: AuditVerifier = AuditVerifier()) throws(AuditError) -> AuditLog {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> AuditLog in
            let trail = TrailBytes(buffer)
            var verification = verifier.verify(trail)
            var entries: [AuditEntry] = []
            entries.reserveCapacity(verification.verifiedEntries)
            for index in 0..<verification.verifiedEntries {
                do {
                    entries.append(try AuditLineDecoder.entry(trail.text(index)))
                } catch {
                    // Hashed and signed, yet not an entry this version understands.
                    verification.damage = AuditDamage(entry: index + 1, kind: .malformed, reason: "\(error)")
                    verification.verifiedEntries = index
                    break
                }
            }
            return AuditLog(path: url.path, verification: verification, entries: entries)
        }
    }

    /// The entries an auditor asked for.
    public func entries(matching filter: AuditFilter) -> [AuditEntry] {
        entries.filter(filter.matches)
    }
}
