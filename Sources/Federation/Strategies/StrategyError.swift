/// A strategy's hyper-parameter that cannot work, refused when the strategy is built
/// (never a trap): the study definition turns it into its own error naming the key.
public enum StrategyError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidParameter(strategy: String, key: String, reason: String)
    case unknownStrategy(String)

    public var description: String {
        switch self {
        case .invalidParameter(let strategy, let key, let reason): "\(strategy)'s \(key) \(reason)"
        case .unknownStrategy(let name): "unknown strategy '\(name)'"
        }
    }
}
