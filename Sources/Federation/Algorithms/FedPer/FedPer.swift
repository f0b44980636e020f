/// FedPer (Arivazhagan, Aggarwal, Singh & Choudhary, 2019, arXiv:1912.00818): federated base
/// layers, personal heads. Every site keeps the last `personalTensors` tensors of the model
/// (by default the output layer's weights and bias) to itself: it trains them, never sends
/// their change, and evaluates with its own. The coordinator averages the base as FedAvg does.
public struct FedPer: FederatedAlgorithm {
    /// How many of the model's last tensors stay at each site.
    public var personalTensors: Int
    private var averaging = FedAvg()

    public init(personalTensors: Int = 2) throws(StrategyError) {
        guard personalTensors >= 1 else {
            throw .invalidParameter(strategy: "fedper", key: "personal_tensors", reason: "must be at least 1, got \(personalTensors)")
        }
        self.personalTensors = personalTensors
    }

    public static let algorithmName = "fedper"
    public static let siteAlgorithm: any SiteAlgorithm.Type = FedPerSite.self
    public static let defaultParameters = ["personal_tensors": 2.0]
    public static func make(parameters: [String: Double], rounds: Int, seed: UInt64) throws -> any Strategy {
        let count = parameters["personal_tensors"] ?? 2
        guard count.rounded() == count, count >= 1, count <= 1_000 else {
            throw StrategyError.invalidParameter(strategy: "fedper", key: "personal_tensors", reason: "must be a whole number from 1 to 1000, got \(count)")
        }
        return try FedPer(personalTensors: Int(count))
    }

    public var name: String { Self.algorithmName }

    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions {
        var instructions = base
        instructions.algorithm = AlgorithmCall(name, parameters: ["personal_tensors": Double(personalTensors)])
        return instructions
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        averaging.apply(aggregate, to: &global, population: population)
    }
}
