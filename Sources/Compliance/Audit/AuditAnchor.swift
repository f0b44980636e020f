/// A trail's position and entry hash as someone outside it recorded them: the coordinator
/// for a site, a printed compliance report, an auditor's notes. Checking against an anchor is
/// what catches a trail cut back to an earlier, intact state, which no file can show alone.
public struct AuditAnchor: Hashable, Sendable, Codable, CustomStringConvertible {
    public var sequence: Int
    /// The entry's `hash` field (64 hex digits).
    public var hash: String

    public init(sequence: Int, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Parses `SEQUENCE:HASH`, as `description` writes it.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let sequence = Int(parts[0]), sequence >= 1, parts[1].count == 64,
            Hex.bytes(parts[1].lowercased()) != nil
        else { return nil }
        self.init(sequence: sequence, hash: parts[1].lowercased())
    }

    public var description: String { "\(sequence):\(hash)" }
}
