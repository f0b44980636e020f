import Learning

/// Which sites take part in a round: a fraction of the available ones, never fewer than a
/// minimum, drawn from the round's own seeded generator so resuming a study redraws the
/// same sample.
public struct SiteSelection: Hashable, Sendable, Codable {
    public var fraction: Double
    /// Sites needed to start a round, and to accept its aggregate (k of n).
    public var minimumSites: Int

    public init(fraction: Double = 1, minimumSites: Int = 1) {
        precondition(fraction > 0 && fraction <= 1, "fraction must be in (0, 1]")
        precondition(minimumSites >= 1, "at least one site per round")
        self.fraction = fraction
        self.minimumSites = minimumSites
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
