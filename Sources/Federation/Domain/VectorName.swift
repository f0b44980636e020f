/// The name of a vector a round carries besides the model itself: an update's change
/// (`delta`), SCAFFOLD's control variates, Lockdown's mask, an algorithm's own. Instructions,
/// updates, the wire, the spool and the audit trail handle every name the same way, so a new
/// algorithm adds names, not fields.
public struct VectorName: RawRepresentable, Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: VectorName, rhs: VectorName) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Every update's change to the model: local parameters minus the global ones.
    public static let delta: VectorName = "delta"

    /// Names are short identifiers (they travel on the wire and name spool files).
    public var isWellFormed: Bool {
        (1...64).contains(rawValue.utf8.count)
            && rawValue.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
