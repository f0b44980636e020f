import Learning

/// What a site's part of an algorithm sees of one round of local training.
public struct LocalRound {
    /// The algorithm's instructions for this round: its settings and vectors.
    public let call: AlgorithmCall
    /// The global model the round starts from.
    public let global: [Float]
    public let layout: ParameterLayout
    public let localSteps: Int
    public let learningRate: Float
    /// The gradient of the mean loss over all the site's training rows at the given
    /// parameters (costly: one pass over the data).
    public let fullGradient: ([Float]) -> [Float]

    public init(
        call: AlgorithmCall, global: [Float], layout: ParameterLayout, localSteps: Int, learningRate: Float,
        fullGradient: @escaping ([Float]) -> [Float]
    ) {
        self.call = call
        self.global = global
        self.layout = layout
        self.localSteps = localSteps
        self.learningRate = learningRate
        self.fullGradient = fullGradient
    }

    /// A vector the coordinator sent, checked to be model-sized (nil when it sent none).
    public func vector(_ name: VectorName) throws(SiteAlgorithmError) -> [Float]? {
        guard let values = call.vectors[name] else { return nil }
        guard values.isEmpty || values.count == global.count else {
            throw .wrongVector(algorithm: call.name, name: name, expected: global.count, got: values.count)
        }
        return values
    }
}

/// The site's part of a federated algorithm: how local training is adjusted, what leaves the
/// site besides its change to the model, and what the site keeps between rounds. The
/// simulator's sites and a deployed site agent run the same one (`Site` builds it from the
/// instructions' `AlgorithmCall` through `AlgorithmRegistry`), and it lives in the same
/// folder as the algorithm's coordinator part, its `Strategy`.
///
/// ```swift
/// struct FedProxSite: SiteAlgorithm {
///     static let name = "fedprox"
///     func adjustment(_ round: LocalRound, start: [Float]) throws -> GradientAdjustment? {
///         let mu = Float(try round.call.parameter("mu")), anchor = round.global
///         return { w, g, n in anchor.withUnsafeBufferPointer { a in for i in 0..<n { g[i] += mu * (w[i] - a[i]) } } }
///     }
/// }
/// ```
public protocol SiteAlgorithm: Sendable {
    /// The name instructions carry (`AlgorithmCall.name`), the same as its `Strategy`'s.
    static var name: String { get }
    init()
    /// What the site keeps between rounds, for its checkpoint.
    var state: ComponentState { get }
    mutating func restore(_ state: ComponentState, layout: ParameterLayout) throws
    /// Where local training starts: the global model unless the algorithm says otherwise.
    mutating func start(_ round: LocalRound) throws -> [Float]
    /// How every local gradient is changed before the optimizer step (nil: not at all).
    func adjustment(_ round: LocalRound, start: [Float]) throws -> GradientAdjustment?
    /// After training: changes the delta in place into what leaves the site, and returns the
    /// named vectors sent beside it (as the strategy's `sentVectors` declare them).
    mutating func finish(_ round: LocalRound, trained: [Float], delta: inout [Float]) throws -> [VectorName: [Float]]
    /// The parameters the site evaluates with: the global model, or the site's own variant of it.
    func evaluationParameters(global: [Float]) -> [Float]
}

extension SiteAlgorithm {
    public var state: ComponentState { .empty }
    public mutating func restore(_ state: ComponentState, layout: ParameterLayout) throws {
        guard state.isEmpty else { throw StateMismatch("\(Self.name) keeps no state at a site, but the checkpoint has some") }
    }
    public mutating func start(_ round: LocalRound) throws -> [Float] { round.global }
    public func adjustment(_ round: LocalRound, start: [Float]) throws -> GradientAdjustment? { nil }
    public mutating func finish(_ round: LocalRound, trained: [Float], delta: inout [Float]) throws -> [VectorName: [Float]] { [:] }
    public func evaluationParameters(global: [Float]) -> [Float] { global }
}

/// The state a site's algorithm keeps, by algorithm, in the site's checkpoint.
public struct SiteAlgorithmState: Hashable, Sendable, Codable {
    public var name: String
    public var state: ComponentState
}
