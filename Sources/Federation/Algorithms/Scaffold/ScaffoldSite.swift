import Learning

/// SCAFFOLD at a site: keeps its control variate `c_i`, corrects every local gradient by
/// `c - c_i`, and sends how `c_i` moved (option II: `c_i+ = c_i - c + (x - y_i) / (K lr)`).
public struct ScaffoldSite: SiteAlgorithm {
    public static let name = Scaffold.algorithmName
    /// `c_i`; empty until the site first trains.
    private var control: [Float] = []
    /// `c - c_i` for the round in progress.
    private var correction: [Float] = []

    public init() {}

    public var state: ComponentState { ComponentState(vectors: control.isEmpty ? [:] : ["c_i": control]) }

    public mutating func restore(_ state: ComponentState, layout: ParameterLayout) throws {
        let restored = state.vectors["c_i"] ?? []
        guard restored.isEmpty || restored.count == layout.count else {
            throw StateMismatch("the site's SCAFFOLD control variate has \(restored.count) values, the model \(layout.count)")
        }
        control = restored
    }

    public mutating func start(_ round: LocalRound) throws -> [Float] {
        if control.isEmpty { control = [Float](repeating: 0, count: round.global.count) }
        // c - c_i, with an empty server control meaning zero (the first round).
        let server = try round.vector(Scaffold.serverControlVector) ?? []
        correction = server.isEmpty ? control.map { -$0 } : zip(server, control).map { $0 - $1 }
        return round.global
    }

    public func adjustment(_ round: LocalRound, start: [Float]) throws -> GradientAdjustment? {
        let correction = correction
        return { _, gradients, count in
            for i in 0..<count { gradients[i] += correction[i] }
        }
    }

    public mutating func finish(_ round: LocalRound, trained: [Float], delta: inout [Float]) throws -> [VectorName: [Float]] {
        // delta c_i = -c - delta / (K * lr).
        let scale = 1 / (Float(max(round.localSteps, 1)) * round.learningRate)
        var change = [Float](repeating: 0, count: delta.count)
        for i in 0..<delta.count {
            let serverValue = correction[i] + control[i]
            change[i] = -serverValue - delta[i] * scale
            control[i] += change[i]
        }
        return [Scaffold.controlDelta.name: change]
    }
}
