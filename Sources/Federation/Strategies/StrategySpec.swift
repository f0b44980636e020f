/// A strategy by name and hyper-parameters, as written in configs and on the command line.
/// Defaults are FLamby's Fed-Heart-Disease values (flamby/config_heart_disease.json).
/// Algorithms added through `AlgorithmRegistry` are `.algorithm(name:parameters:)`: they need
/// no case here.
public enum StrategySpec: Hashable, Sendable, Codable, CustomStringConvertible {
    case fedAvg
    case fedProx(mu: Float = 0.01)
    case fedOpt(FedOpt.Variant, serverLearningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, tau: Float = 1e-8)
    case scaffold(serverLearningRate: Float = 1)
    /// Needs the study's length (for the pruning schedule) and a mask seed.
    case lockdown(density: Float = 0.25, initialRate: Float = 1e-4, rounds: Int, maskSeed: UInt64)
    /// A registered algorithm (`AlgorithmRegistry`) with the study's settings for it.
    case algorithm(name: String, parameters: [String: Double], rounds: Int, seed: UInt64)

    /// Strategies named by `init(name:)`, registered algorithms included.
    public static var names: [String] {
        let builtIn = ["fedavg", "fedprox", "fedadam", "fedyogi", "fedadagrad", "scaffold"]
        return builtIn + AlgorithmRegistry.all.map { $0.algorithmName }.filter { !builtIn.contains($0) && $0 != "lockdown" }
    }

    /// The strategy for a name, with FLamby's server hyper-parameters.
    public init?(name: String, rounds: Int = 1, seed: UInt64 = 0) {
        switch name.lowercased() {
        case "fedavg": self = .fedAvg
        case "fedprox": self = .fedProx()
        case "fedadam": self = .fedOpt(.adam, serverLearningRate: 0.01)
        case "fedyogi": self = .fedOpt(.yogi, serverLearningRate: 0.01)
        case "fedadagrad": self = .fedOpt(.adagrad, serverLearningRate: 0.316228)
        case "scaffold": self = .scaffold()
        case "lockdown": self = .lockdown(rounds: rounds, maskSeed: seed)
        default:
            guard let algorithm = AlgorithmRegistry.algorithm(named: name) else { return nil }
            self = .algorithm(name: algorithm.algorithmName, parameters: [:], rounds: rounds, seed: seed)
        }
    }

    /// FLamby's local learning rate for this strategy on Fed-Heart-Disease.
    public var flambyLocalLearningRate: Float {
        switch self {
        case .fedAvg, .fedProx, .scaffold, .lockdown, .algorithm: 0.001
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
        case .algorithm(let name, _, _, _): name
        }
    }

    /// The coordinator's part; a hyper-parameter that cannot work is refused, never trapped on.
    public func makeStrategy() throws -> any Strategy {
        switch self {
        case .fedAvg: FedAvg()
        case .fedProx(let mu): try FedProx(mu: mu)
        case .fedOpt(let variant, let lr, let beta1, let beta2, let tau):
            FedOpt(variant, serverLearningRate: lr, beta1: beta1, beta2: beta2, tau: tau)
        case .scaffold(let lr): Scaffold(serverLearningRate: lr)
        case .lockdown(let density, let rate, let rounds, let seed):
            try Lockdown(density: density, initialRate: rate, rounds: rounds, maskSeed: seed)
        case .algorithm(let name, let parameters, let rounds, let seed):
            try Self.registered(name).make(parameters: parameters, rounds: rounds, seed: seed)
        }
    }

    private static func registered(_ name: String) throws -> any FederatedAlgorithm.Type {
        guard let algorithm = AlgorithmRegistry.algorithm(named: name) else { throw StrategyError.unknownStrategy(name) }
        return algorithm
    }
}
