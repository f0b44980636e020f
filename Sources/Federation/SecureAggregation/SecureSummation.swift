/// Delivers one opaque message to a site's secure-aggregation endpoint and returns its answer.
public typealias SecureExchange = @Sendable (SiteID, [UInt8]) async throws -> [UInt8]

/// Secure summation of a round's updates: the coordinator learns the weighted sum of the
/// updates the participants hold, never one site's update. The coordinator only knows this
/// protocol; the `Privacy` module implements it (SecAgg+), and the transport only moves
/// bytes (`Transport.exchange`).
public protocol SecureSummation: Sendable {
    /// Runs one secure sum among `request.participants`, who each hold their update for the
    /// round (they trained under a sealed request). Throws when too few sites remain for the
    /// sum to be recovered; nothing is revealed then.
    func sum(_ request: SecureSumRequest, exchange: @escaping SecureExchange) async throws -> SecureSum
}

/// A site's secure-aggregation endpoint: it answers the coordinator's stage messages,
/// putting in the update its site holds for the round.
public protocol SecureEndpoint: Sendable {
    func respond(to message: [UInt8]) async throws -> [UInt8]
}

/// What one secure sum is about.
public struct SecureSumRequest: Sendable {
    public var study: String
    public var round: Int
    /// Sites that hold an update for this round, in the round's canonical order.
    public var participants: [SiteID]
    /// Each participant's training examples, as its sealed answer reported them.
    public var sampleCounts: [SiteID: Int]
    public var parameterCount: Int
    /// How each update counts in the sum, and what the sites do to it before it enters.
    public var summands: SummandPlan
    /// The fewest contributors the round can close with: the sum tolerates the rest dropping.
    public var minimumContributors: Int
    public var deadlineSeconds: Double
    /// The study seed: simulations derive every site's secret randomness from it.
    public var seed: UInt64

    public init(
        study: String, round: Int, participants: [SiteID], sampleCounts: [SiteID: Int], parameterCount: Int,
        summands: SummandPlan, minimumContributors: Int, deadlineSeconds: Double, seed: UInt64
    ) {
        self.study = study
        self.round = round
        self.participants = participants
        self.sampleCounts = sampleCounts
        self.parameterCount = parameterCount
        self.summands = summands
        self.minimumContributors = minimumContributors
        self.deadlineSeconds = deadlineSeconds
        self.seed = seed
    }
}

/// What a secure sum reveals: sum_i w_i x_i (dequantized), sum_i w_i, and who is in it.
public struct SecureSum: Sendable {
    public var weightedSum: [Float]
    public var totalWeight: Double
    public var contributors: [SiteID]
    /// Sites that held an update but dropped out of the secure sum, with the reason.
    public var failures: [SiteFailure]
    /// The largest error of `weightedSum / totalWeight` per coordinate from quantization.
    public var meanErrorBound: Double

    public init(weightedSum: [Float], totalWeight: Double, contributors: [SiteID], failures: [SiteFailure], meanErrorBound: Double) {
        self.weightedSum = weightedSum
        self.totalWeight = totalWeight
        self.contributors = contributors
        self.failures = failures
        self.meanErrorBound = meanErrorBound
    }
}
