import Learning

/// Which sites take part in a round: a fraction of the available ones, never fewer than a
/// minimum, drawn from the round's own seeded generator so resuming a study redraws the
/// same sample.
public struct SiteSelection: Hashable, Sendable, Codable {
    public var fraction: Double
    /// Sites needed to start a round, and to accept its aggregate (k of n).
    public var minimumSites: Int

    /// Every available site, every round.
    public init() {
        fraction = 1
        minimumSites = 1
    }

    /// A sampled share of the sites: `try SiteSelection(fraction: 0.3, minimumSites: 5)`.
    /// Values that cannot select anyone are refused, never trapped on.
    public init(fraction: Double = 1, minimumSites: Int) throws(StrategyError) {
        guard fraction > 0, fraction <= 1 else {
            throw .invalidParameter(strategy: "site selection", key: "fraction", reason: "must be in (0, 1], got \(fraction)")
        }
        guard minimumSites >= 1 else {
            throw .invalidParameter(strategy: "site selection", key: "minimum_sites", reason: "must be at least 1, got \(minimumSites)")
        }
        self.fraction = fraction
        self.minimumSites = minimumSites
    }

    /// A checkpoint's selection is checked as a new one is: a damaged file gives an error, not a trap.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            fraction: container.decode(Double.self, forKey: .fraction),
            minimumSites: container.decode(Int.self, forKey: .minimumSites))
    }

    /// The participants for `round`, in a canonical (sorted) order, or nil if too few are available.
    public func participants(from available: [SiteID], round: Int, seed: UInt64) -> [SiteID]? {
        let sites = available.sorted()
        guard sites.count >= minimumSites else { return nil }
        let wanted = min(sites.count, max(minimumSites, Int((fraction * Double(sites.count)).rounded(.up))))
        if wanted == sites.count { return sites }
        var generator = SeededGenerator(seed: seed, stream: 0x5E1E_C700 &+ UInt64(round))
        return generator.permutation(sites.count).prefix(wanted).map { sites[$0] }.sorted()
    }
}
