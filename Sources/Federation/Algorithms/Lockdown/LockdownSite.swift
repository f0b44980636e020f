import Learning

/// Lockdown at a site: trains and sends only its subspace. The first round draws the
/// subspace (the same seed at every site); later rounds first let the most promising
/// inactive weights back in (recovery), train inside the subspace, then prune it, and only
/// the subspace's change leaves, with the mask.
public struct LockdownSite: SiteAlgorithm {
    public static let name = Lockdown.algorithmName
    private var subspace: SubspaceMask?

    public init() {}

    public var state: ComponentState { ComponentState(vectors: subspace.map { ["subspace": $0.values] } ?? [:]) }

    public mutating func restore(_ state: ComponentState, layout: ParameterLayout) throws {
        subspace = nil
        guard let values = state.vectors["subspace"] else { return }
        guard values.count == layout.count else {
            throw StateMismatch("the site's Lockdown subspace has \(values.count) values, the model \(layout.count)")
        }
        subspace = SubspaceMask(layout: layout, values: values)
    }

    public mutating func start(_ round: LocalRound) throws -> [Float] {
        let density = Float(try round.call.parameter("density")), rate = Float(try round.call.parameter("rate"))
        let firstRound = subspace == nil
        if firstRound { subspace = SubspaceMask(layout: round.layout, density: density, seed: try round.call.seed("mask_seed")) }
        var start = round.global
        for i in start.indices { start[i] *= subspace!.values[i] }
        if !firstRound { subspace!.recover(gradient: round.fullGradient(start), rate: rate) }
        return start
    }

    public func adjustment(_ round: LocalRound, start: [Float]) throws -> GradientAdjustment? {
        guard let mask = subspace?.values else { return nil }
        return { _, gradients, count in
            for i in 0..<count { gradients[i] *= mask[i] }
        }
    }

    public mutating func finish(_ round: LocalRound, trained: [Float], delta: inout [Float]) throws -> [VectorName: [Float]] {
        guard subspace != nil else { return [:] }
        subspace!.prune(weights: trained, rate: Float(try round.call.parameter("rate")))
        for i in delta.indices { delta[i] *= subspace!.values[i] }
        return [Lockdown.mask.name: subspace!.values]
    }
}
