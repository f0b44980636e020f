import Foundation

/// Lockdown (Huang, Hu, Chow, Ilhan, Tekin & Liu, NeurIPS 2023): every site trains and sends
/// only an isolated, sparse subspace of the model that it regrows and prunes each round, so a
/// backdoor planted by a few sites lives in parameters the honest majority does not share.
/// Before deployment, consensus fusion zeroes every parameter fewer than `threshold` sites
/// kept in their subspace. Defaults are the paper's: density s = 0.25, alpha_0 = 1e-4 with a
/// cosine-annealed rate alpha_t = alpha_0/2 (1 + cos(pi t / T)), threshold = half the sites.
/// Aggregation is the sample-weighted mean of the masked changes (sites that do not cover a
/// parameter contribute 0), so only sums are needed.
public struct Lockdown: FederatedAlgorithm {
    public var density: Float
    public var initialRate: Float
    public var rounds: Int
    public var maskSeed: UInt64
    /// Sites that must cover a parameter for it to survive consensus fusion; nil = half the sites.
    public var threshold: Float?
    public private(set) var maskSum: [Float] = []
    private var population = 0

    public init(density: Float = 0.25, initialRate: Float = 1e-4, rounds: Int, maskSeed: UInt64, threshold: Float? = nil) throws(StrategyError) {
        guard density > 0, density <= 1 else { throw .invalidParameter(strategy: "lockdown", key: "density", reason: "must be in (0, 1], got \(density)") }
        guard initialRate >= 0, initialRate.isFinite else {
            throw .invalidParameter(strategy: "lockdown", key: "initial_rate", reason: "must be a non-negative number, got \(initialRate)")
        }
        guard rounds >= 1 else { throw .invalidParameter(strategy: "lockdown", key: "rounds", reason: "must be at least 1, got \(rounds)") }
        if let threshold, !(threshold >= 0 && threshold.isFinite) {
            throw .invalidParameter(strategy: "lockdown", key: "threshold", reason: "must be a non-negative number, got \(threshold)")
        }
        self.density = density
        self.initialRate = initialRate
        self.rounds = rounds
        self.maskSeed = maskSeed
        self.threshold = threshold
    }

    public static let algorithmName = "lockdown"
    public static let siteAlgorithm: any SiteAlgorithm.Type = LockdownSite.self
    public static let defaultParameters = ["density": 0.25, "initial_rate": 1e-4]
    public static func make(parameters: [String: Double], rounds: Int, seed: UInt64) throws -> any Strategy {
        try Lockdown(
            density: Float(parameters["density"] ?? 0.25), initialRate: Float(parameters["initial_rate"] ?? 1e-4),
            rounds: rounds, maskSeed: seed)
    }

    /// A site's 0/1 subspace, as its update carries it.
    public static let mask = VectorDeclaration("mask", values: .binary, folding: .sum, meaning: "subspace mask")

    public var name: String { Self.algorithmName }
    public var sentVectors: [VectorDeclaration] { [Self.mask] }

    public var state: ComponentState {
        ComponentState(vectors: maskSum.isEmpty ? [:] : ["mask_sum": maskSum], scalars: ["population": Double(population)])
    }

    public mutating func restore(_ state: ComponentState) throws {
        maskSum = state.vectors["mask_sum"] ?? []
        population = Int(state.scalars["population"] ?? 0)
    }

    /// alpha_t for the 1-based `round`.
    public func rate(for round: Int) -> Float {
        let t = Float(round - 1), total = Float(max(rounds, 1))
        return initialRate / 2 * (1 + cosf(Float.pi * t / total))
    }

    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions {
        var instructions = base
        var call = AlgorithmCall(name, parameters: ["density": Double(density), "rate": Double(rate(for: round))])
        call.setSeed("mask_seed", maskSeed)
        instructions.algorithm = call
        return instructions
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        step(&global, along: aggregate.meanDelta, rate: 1)
        if let sum = aggregate.vectors[Self.mask.name] { maskSum = sum }
        self.population = population
    }

    public func deployable(_ global: [Float]) -> [Float] {
        guard maskSum.count == global.count else { return global }
        let cut = threshold ?? Float(population) / 2
        return zip(global, maskSum).map { $1 >= cut ? $0 : 0 }
    }
}
