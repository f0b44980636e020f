/// The small-cell rule for anything that leaves a site: no count from 1 to 10 may be
/// published, nor any figure from which one can be derived (the CMS cell-size suppression
/// policy; see docs/disclosure-control.md for the model Cohort enforces).
///
/// The threshold is the whole policy; `protect` applies it to linked tables as one problem
/// (`CellSuppression`), and `DisclosureAudit` is the attacker that checks the result.
public struct SmallCellRule: Hashable, Sendable {
    /// Counts below this (and above zero) are hidden.
    public var threshold: Int

    public init(threshold: Int = 11) {
        precondition(threshold >= 2, "a threshold below 2 hides nothing")
        self.threshold = threshold
    }

    public func hides(_ count: Int) -> Bool { count > 0 && count < threshold }

    /// One count on its own (linked to nothing else that is published).
    public func apply(_ count: Int) -> PublishedCount { hides(count) ? .small(below: threshold) : .exact(count) }

    /// Suppression of linked tables with complementary cells, audited.
    func protect(_ tables: LinkedTables) -> CellSuppression.Result {
        CellSuppression(rule: self).protect(tables)
    }
}

/// A count in the two states of the first shared-report format: exact, or hidden below a bound.
///
/// Kept for readers that know only those two states (the compliance report's
/// `DataQualitySummary`); `SharedQualityReport` maps a withheld cell to the tightest bound the
/// two states can state truthfully (see there). New readers use `PublishedCount`.
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
