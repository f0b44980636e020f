/// How much each client's update counts in the mean the coordinator recovers.
public enum SecAggWeighting: Hashable, Sendable, Codable {
    /// Every client equally; the weight coordinate counts contributors.
    case uniform
    /// By training examples (FedAvg), capped at `cap` so that the weight coordinate and the
    /// scaled update stay within their bounds. A client with more examples counts as `cap`.
    case bySamples(cap: Int)

    /// The integer weight a client with `samples` examples carries.
    func weight(forSamples samples: Int) -> Int {
        switch self {
        case .uniform: 1
        case .bySamples(let cap): min(samples, cap)
        }
    }

    /// The largest weight a client can carry.
    var cap: Int {
        switch self {
        case .uniform: 1
        case .bySamples(let cap): cap
        }
    }
}
