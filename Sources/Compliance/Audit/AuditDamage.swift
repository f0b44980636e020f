/// The first place a trail stops being trustworthy, and why. Entries are numbered from 1 in
/// file order; everything before `entry` verified.
public struct AuditDamage: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The file holds no complete entry.
        case empty
        /// The line is not a trail entry (bad structure, not JSON, a field out of place).
        case malformed
        /// The first entry does not start a trail.
        case missingStart
        /// The entry's number is not the next one: an entry was deleted, inserted or moved.
        case sequence
        /// The entry's bytes do not hash to its recorded hash: its content changed.
        case hashMismatch
        /// The entry does not follow from the previous line: the previous line changed, or an
        /// entry was inserted, deleted or moved here.
        case brokenLink
        /// The signature does not verify under the trail's key.
        case badSignature
        /// The trail's key is not the one the verifier trusts.
        case untrustedKey
        /// Bytes after the last complete line: a write cut short (crash) or a truncated copy.
        case tornTail
        /// The trail ends before an entry the verifier was told exists (truncated).
        case truncated
        /// The entry at the anchor's position is not the one the anchor recorded.
        case anchorMismatch
    }

    public var entry: Int
    public var kind: Kind
    public var reason: String

    public init(entry: Int, kind: Kind, reason: String) {
        self.entry = entry
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "entry \(entry): \(kind.rawValue): \(reason)" }
}
