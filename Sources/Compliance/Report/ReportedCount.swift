/// A count as a site published it: exact, hidden by the small-cell rule ("<11"), or withheld
/// only to protect another cell (complementary suppression: "withheld", never "<11", which
/// would be false).
///
/// The report copies what it is given and never does arithmetic that could undo the rule (no
/// totals, no differences), so a count a site suppressed stays suppressed in the page and in
/// its JSON twin. Written as a number when exact and as the string "<11" when suppressed, the
/// same spelling as `cohort data check --shared`.
public enum ReportedCount: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    case exact(Int)
    case suppressed(below: Int)
    case withheld

    /// The word a published file uses for a cell withheld to protect another.
    public static let withheldWord = "withheld"

    public init(integerLiteral value: Int) { self = .exact(value) }

    public var description: String {
        switch self {
        case .exact(let count): String(count)
        case .suppressed(let threshold): "<\(threshold)"
        case .withheld: Self.withheldWord
        }
    }

    /// The exact value, nil when suppressed.
    public var value: Int? {
        if case .exact(let count) = self { return count }
        return nil
    }

    public var isSuppressed: Bool { value == nil }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .exact(let count): try container.encode(count)
        case .suppressed, .withheld: try container.encode(description)
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
            return
        }
        guard text.hasPrefix("<"), let threshold = Int(text.dropFirst()), threshold > 1 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a count or \"<11\", got \"\(text)\"")
        }
        self = .suppressed(below: threshold)
    }
}
