import Federation

/// A message the coordinator refused, with the reason: kept in `SecAggServer.rejections` for
/// the round record. The sender counts as dropped from that stage on.
public struct SecAggRejection: Hashable, Sendable, CustomStringConvertible {
    public var site: SiteID
    public var stage: SecAggStage
    public var reason: String

    public init(site: SiteID, stage: SecAggStage, reason: String) {
        self.site = site
        self.stage = stage
        self.reason = reason
    }

    public var description: String { "\(stage) message from \(site) rejected: \(reason)" }
}
