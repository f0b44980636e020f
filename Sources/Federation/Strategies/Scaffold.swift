/// SCAFFOLD (Karimireddy et al., ICML 2020), option II: sites correct every local gradient by
/// `c - c_i` (server minus site control variate) to cancel client drift, and report how
/// their `c_i` moved. The server steps the model by the sample-weighted mean delta (as
/// FLamby does) and moves `c` by `|S|/N` times the mean control delta.
public struct Scaffold: Strategy {
    public var serverLearningRate: Float
    public private(set) var serverControl: [Float] = []

    public init(serverLearningRate: Float = 1) { self.serverLearningRate = serverLearningRate }

    public var name: String { "scaffold" }
    public var usesControlVariates: Bool { true }

    public var state: ComponentState { ComponentState(vectors: serverControl.isEmpty ? [:] : ["c": serverControl]) }

    public mutating func restore(_ state: ComponentState) throws {
        serverControl = state.vectors["c"] ?? []
    }

    /// Before the first round `c` is zero; sites treat an empty vector as zero.
    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions {
        var instructions = base
        instructions.serverControl = serverControl
        return instructions
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        step(&global, along: aggregate.meanDelta, rate: serverLearningRate)
        guard let controlDelta = aggregate.meanControlDelta else { return }
        if serverControl.isEmpty { serverControl = [Float](repeating: 0, count: controlDelta.count) }
        let fraction = Float(aggregate.contributors.count) / Float(max(population, 1))
        step(&serverControl, along: controlDelta, rate: fraction)
    }
}
