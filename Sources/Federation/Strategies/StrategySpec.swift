/// A strategy by name and hyper-parameters, as written in configs and on the command line.
/// Defaults are FLamby's Fed-Heart-Disease values (flamby/config_heart_disease.json).
public enum StrategySpec: Hashable, Sendable, Codable, CustomStringConvertible {
    case fedAvg
    case fedProx(mu: Float = 0.01)
    case fedOpt(FedOpt.Variant, serverLearningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, tau: Float = 1e-8)
    case scaffold(serverLearningRate: Float = 1)
    /// Needs the study's length (for the pruning schedule) and a mask seed.
    case lockdown(density: Float = 0.25, initialRate: Float = 1e-4, rounds: Int, maskSeed: UInt64)

    public static let names = ["fedavg", "fedprox", "fedadam", "fedyogi", "fedadagrad", "scaffold"]

    /// The strategy for a name, with FLamby's server hyper-parameters.
    public init?(name: String) {
        switch name.lowercased() {
        case "fedavg": self = .fedAvg
        case "fedprox": self = .fedProx()
        case "fedadam": self = .fedOpt(.adam, serverLearningRate: 0.01)
        case "fedyogi": self = .fedOpt(.yogi, serverLearningRate: 0.01)
        case "fedadagrad": self = .fedOpt(.adagrad, serverLearningRate: 0.316228)
        case "scaffold": self = .scaffold()
        default: return nil
        }
    }

    /// FLamby's local learning rate for this strategy on Fed-Heart-Disease.
    public var flambyLocalLearningRate: Float {
        switch self {
        case .fedAvg, .fedProx, .scaffold, .lockdown: 0.001
        case .fedOpt(.adam, _, _, _, _): 0.01
        case .fedOpt: 0.003162
        }
    }

    public var description: String {
        switch self {
        case .fedAvg: "fedavg"
        case .fedProx: "fedprox"
        case .fedOpt(let variant, _, _, _, _): variant.rawValue
        case .scaffold: "scaffold"
        case .lockdown: "lockdown"
        }
    }

    public func makeStrategy() -> any Strategy {
        switch self {
        case .fedAvg: FedAvg()
        case .fedProx(let mu): FedProx(mu: mu)
        case .fedOpt(let variant, let lr, let beta1, let beta2, let tau):
            FedOpt(variant, serverLearningRate: lr, beta1: beta1, beta2: beta2, tau: tau)
        case .scaffold(let lr): Scaffold(serverLearningRate: lr)
        case .lockdown(let density, let rate, let rounds, let seed):
            Lockdown(density: density, initialRate: rate, rounds: rounds, maskSeed: seed)
        }
    }
}
