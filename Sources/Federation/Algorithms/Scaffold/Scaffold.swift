/// SCAFFOLD (Karimireddy et al., ICML 2020), option II: sites correct every local gradient by
/// `c - c_i` (server minus site control variate) to cancel client drift, and report how
/// their `c_i` moved. The server steps the model by the sample-weighted mean delta (as
/// FLamby does) and moves `c` by `|S|/N` times the mean control delta.
public struct Scaffold: FederatedAlgorithm {
    public var serverLearningRate: Float
    public private(set) var serverControl: [Float] = []

    public init(serverLearningRate: Float = 1) { self.serverLearningRate = serverLearningRate }

    public static let algorithmName = "scaffold"
    public static let siteAlgorithm: any SiteAlgorithm.Type = ScaffoldSite.self
    public static func make(parameters: [String: Double], rounds: Int, seed: UInt64) throws -> any Strategy {
        Scaffold(serverLearningRate: Float(parameters["server_learning_rate"] ?? 1))
    }

    /// The server's control variate, as instructions carry it.
    public static let serverControlVector: VectorName = "server_control"
    /// A site's change of its control variate, as its update carries it.
    public static let controlDelta = VectorDeclaration("control_delta", values: .finite, folding: .mean, meaning: "control-variate delta")

    public var name: String { Self.algorithmName }
    public var sentVectors: [VectorDeclaration] { [Self.controlDelta] }

    public var state: ComponentState { ComponentState(vectors: serverControl.isEmpty ? [:] : ["c": serverControl]) }

    public mutating func restore(_ state: ComponentState) throws {
        serverControl = state.vectors["c"] ?? []
    }

    /// Before the first round `c` is zero; sites treat an empty vector as zero.
    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions {
        var instructions = base
        instructions.algorithm = AlgorithmCall(name, vectors: [Self.serverControlVector: serverControl])
        return instructions
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        step(&global, along: aggregate.meanDelta, rate: serverLearningRate)
        guard let controlDelta = aggregate.vectors[Self.controlDelta.name] else { return }
        if serverControl.isEmpty { serverControl = [Float](repeating: 0, count: controlDelta.count) }
        let fraction = Float(aggregate.contributors.count) / Float(max(population, 1))
        step(&serverControl, along: controlDelta, rate: fraction)
    }
}
