/// The small-cell rule for anything that leaves a site: counts from 1 to 10 are shown as
/// "<11" (the CMS cell-size suppression policy: no cell of 1 to 10 beneficiaries may be
/// published, nor any figure from which one can be derived).
///
/// Derivation is what makes the rule more than a threshold: when cells add up to a total that
/// is shown (kept + excluded = read), hiding one small cell is useless, since subtraction
/// recovers it. `suppress(group:)` therefore also hides the smallest other cell of the group
/// whenever exactly one would be hidden (complementary suppression).
public struct SmallCellRule: Hashable, Sendable {
    /// Counts below this (and above zero) are hidden.
    public var threshold: Int

    public init(threshold: Int = 11) {
        self.threshold = threshold
    }

    public func hides(_ count: Int) -> Bool { count > 0 && count < threshold }

    public func apply(_ count: Int) -> SuppressedCount { hides(count) ? .suppressed(below: threshold) : .exact(count) }

    /// Suppresses cells that add up to a published total (see the type's documentation).
    public func suppress(group counts: [Int]) -> [SuppressedCount] {
        var hidden = counts.map(hides)
        if hidden.filter({ $0 }).count == 1 {
            let candidates = counts.indices.filter { !hidden[$0] && counts[$0] > 0 }
            if let smallest = candidates.min(by: { (counts[$0], $0) < (counts[$1], $1) }) { hidden[smallest] = true }
        }
        return zip(counts, hidden).map { $1 ? .suppressed(below: threshold) : .exact($0) }
    }

    /// A fraction `part / whole`, or nil when the part or the rest is hidden by the rule.
    public func fraction(_ part: Int, of whole: Int) -> Double? {
        guard whole > 0, !hides(part), !hides(whole - part), !hides(whole) else { return nil }
        return Double(part) / Double(whole)
    }

    /// A statistic over `count` patients, or nil when too few patients contribute to publish it.
    public func statistic(_ value: Double?, over count: Int) -> Double? {
        count >= threshold ? value : nil
    }
}

/// A count as it may be published: exact, or "<11".
public enum SuppressedCount: Hashable, Sendable, Codable, CustomStringConvertible {
    case exact(Int)
    case suppressed(below: Int)

    public var description: String {
        switch self {
        case .exact(let count): String(count)
        case .suppressed(let threshold): "<\(threshold)"
        }
    }

    public var isSuppressed: Bool {
        if case .suppressed = self { return true }
        return false
    }

    /// The exact value, nil when suppressed.
    public var value: Int? {
        if case .exact(let count) = self { return count }
        return nil
    }

    /// Encoded as a number when exact and as the string "<11" when suppressed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .exact(let count): try container.encode(count)
        case .suppressed: try container.encode(description)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) {
            self = .exact(count)
            return
        }
        let text = try container.decode(String.self)
        guard text.hasPrefix("<"), let threshold = Int(text.dropFirst()) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a count or \"<11\", got \"\(text)\"")
        }
        self = .suppressed(below: threshold)
    }
}
