import Federation
import Learning

/// Federation's `SecureSummation` by SecAgg+: one protocol round per federated round over
/// the transport's opaque exchange, with the graph, threshold and quantization chosen from
/// the round's participants.
///
/// - Dropouts: the plan tolerates at least `participants - minimumContributors` dropouts
///   (those the round can lose and still be accepted), and at least `dropoutFraction` of
///   them, as far as a majority threshold allows (`SecAggGraphPlan`).
/// - Quantization: coordinates are clipped to [-c, c] (the sites' norm bound when they clip,
///   else `clipRange`) with the finest levels that cannot overflow; sample weights are capped
///   at the largest participant's count, so FedAvg's weights are exact.
public struct SecAggSummation: SecureSummation {
    public var dropoutFraction: Double
    public var corruptionFraction: Double
    /// c for updates that are not norm-clipped: coordinates beyond it are clipped.
    public var clipRange: Double

    public static let defaultClipRange = 10.0

    public init(dropoutFraction: Double = 0.1, corruptionFraction: Double = 0, clipRange: Double = defaultClipRange) {
        self.dropoutFraction = dropoutFraction
        self.corruptionFraction = corruptionFraction
        self.clipRange = clipRange
    }

    public func sum(_ request: SecureSumRequest, exchange: @escaping SecureExchange) async throws -> SecureSum {
        let setup = try self.setup(for: request)
        let outcome = try await SecAggRoundDriver.run(
            setup: setup, minimumContributors: request.minimumContributors,
            stageDeadline: .seconds(request.deadlineSeconds), send: exchange)
        var reasons = outcome.failures.mapValues { "left the secure sum at \($0)" }
        for rejection in outcome.rejections where reasons[rejection.site] == nil {
            reasons[rejection.site] = rejection.description
        }
        let contributors = Set(outcome.sum.contributors)
        let failures = reasons.filter { !contributors.contains($0.key) }.sorted { $0.key < $1.key }
            .map { SiteFailure(site: $0.key, reason: $0.value) }
        let sum = outcome.sum
        let factor = sum.quantization.step * Double(sum.quantization.weighting.cap)
        return SecureSum(
            weightedSum: sum.values.map { Float(Double(Int32(bitPattern: $0)) * factor) },
            totalWeight: Double(sum.totalWeight), contributors: sum.contributors, failures: failures,
            meanErrorBound: sum.meanErrorBound)
    }

    /// The protocol round for a federated round (public so a deployment can log it).
    public func setup(for request: SecureSumRequest) throws(SecAggError) -> SecAggSetup {
        let n = request.participants.count
        guard n >= 2 else { throw .aborted("a secure sum needs at least 2 sites holding an update, \(n) did") }
        let weighting: SecAggWeighting
        switch request.summands.weighting {
        case .uniform: weighting = .uniform
        case .bySamples: weighting = .bySamples(cap: max(1, request.sampleCounts.values.max() ?? 1))
        }
        let range = request.summands.normBound ?? clipRange
        var graphSeeds = SeededGenerator(seed: request.seed, stream: 0x5EC_A600 &+ UInt64(truncatingIfNeeded: request.round))
        return SecAggSetup(
            round: SecAggRound(study: request.study, round: request.round), participants: request.participants,
            parameterCount: request.parameterCount, plan: try plan(clients: n, minimum: request.minimumContributors),
            graphSeed: graphSeeds.next(),
            quantization: .automatic(clipRange: range, participants: n, weighting: weighting),
            updateNormBound: request.summands.normBound)
    }

    /// The graph plan tolerating the most dropouts asked for that a majority threshold allows.
    func plan(clients n: Int, minimum: Int) throws(SecAggError) -> SecAggGraphPlan {
        let wanted = max(n - max(minimum, 1), Int((dropoutFraction * Double(n)).rounded(.down)))
        var problem = SecAggError.configuration("no dropout tolerance fits \(n) clients")
        for dropouts in stride(from: min(wanted, n - 1), through: 0, by: -1) {
            // The planner floors fraction x n: half a client more keeps exactly `dropouts`.
            let fraction = (Double(dropouts) + 0.5) / Double(n)
            do {
                return try SecAggGraphPlan.automatic(clients: n, dropout: fraction, corruption: corruptionFraction)
            } catch {
                problem = error
            }
        }
        throw problem
    }
}
