import Foundation

/// The newest revocation list a coordinator has accepted (its sequence and issue time), kept
/// in a small file beside its database so that it outlives restarts: a validly signed but
/// older list copied over the current one is refused even by a coordinator started after the
/// copy, instead of re-admitting the sites revoked since.
///
/// Whoever can rewrite this file can also rewrite the database beside it; the file guards
/// against a stale copy of the list arriving, not against the coordinator's own host.
public struct RevocationMemory: Sendable {
    public let file: URL

    public init(file: URL) { self.file = file }

    /// What was accepted last: sequence and issue time (nil: nothing yet, or no file).
    func recalled() throws -> (sequence: Int, issuedAt: Date)? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let text = try FileWriting.readText(file, what: "revocation high-water mark")
        var sequence: Int?
        var issuedAt: Date?
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("sequence: ") { sequence = Int(line.dropFirst("sequence: ".count)) }
            if line.hasPrefix("issued_at: ") { issuedAt = Timestamp.parse(String(line.dropFirst("issued_at: ".count))) }
        }
        guard let sequence, sequence >= 0, let issuedAt else {
            throw ProvisioningError(
                "revocation high-water mark \(file.path) is damaged (it needs 'sequence:' and 'issued_at:'); restore it, or remove it to accept the current revocation list as the newest"
            )
        }
        return (sequence, issuedAt)
    }

    func remember(_ list: RevocationList) throws {
        try FileWriting.write(
            """
            # The newest revocation list this coordinator accepted; an older one is refused.
            sequence: \(list.sequence)
            issued_at: \(Timestamp.format(list.issuedAt))

            """, to: file, mode: FileWriting.privateMode)
    }
}
