/// A count as a publication prints it: exact, "<11" (a count from 1 to 10, hidden), or
/// "withheld" (a count of 11 or more hidden only because it would give away a small one).
///
/// The two hidden states are told apart on purpose: printing "<11" for a cell of 61 that was
/// hidden to protect its neighbour is a false statement, and an observer who knows the rule
/// (as the disclosure model assumes) learns nothing more from the neutral word than that the
/// cell is not small, which the audit already accounts for.
public enum PublishedCount: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    case exact(Int)
    /// Primary suppression: 1 to `below - 1`.
    case small(below: Int)
    /// Secondary (complementary) suppression: `threshold` or more.
    case withheld

    /// The word printed for a withheld cell.
    public static let withheldWord = "withheld"

    public init(integerLiteral value: Int) { self = .exact(value) }

    public var description: String {
        switch self {
        case .exact(let count): String(count)
        case .small(let threshold): "<\(threshold)"
        case .withheld: Self.withheldWord
        }
    }

    /// The exact value, nil when hidden.
    public var value: Int? {
        if case .exact(let count) = self { return count }
        return nil
    }

    public var isHidden: Bool { value == nil }

    /// A number when exact, "<11" or "withheld" otherwise.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .exact(let count): try container.encode(count)
        case .small, .withheld: try container.encode(description)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) {
            self = .exact(count)
            return
        }
        let text = try container.decode(String.self)
        if text == Self.withheldWord {
            self = .withheld
        } else if text.hasPrefix("<"), let threshold = Int(text.dropFirst()), threshold > 1 {
            self = .small(below: threshold)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a count, \"<11\" or \"\(Self.withheldWord)\", got \"\(text)\"")
        }
    }
}
