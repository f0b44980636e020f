import Federation

/// Ways an update can be broken in transit or by a faulty site.
public enum UpdateCorruption: Hashable, Sendable {
    case nonFinite
    case truncated
    case staleRound
    case impersonate(SiteID)

    func apply(to update: inout SiteUpdate) {
        switch self {
        case .nonFinite: update.delta[0] = .nan
        case .truncated: update.delta.removeLast()
        case .staleRound: update.round -= 1
        case .impersonate(let other):
            update = SiteUpdate(
                study: update.study, site: other, round: update.round, delta: update.delta,
                sampleCount: update.sampleCount, training: update.training,
                vectors: update.vectors)
        }
    }
}
