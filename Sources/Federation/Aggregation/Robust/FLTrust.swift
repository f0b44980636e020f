import Learning

/// FLTrust (Cao, Fang, Liu & Gong, NDSS 2021): the coordinator trains on a small clean "root"
/// data set of its own each round, and trusts each site's update by how well it points the
/// same way: trust = ReLU(cos(g_i, g_0)); every update is rescaled to the root update's norm,
/// and the aggregate is the trust-weighted mean. Streaming: O(model) memory.
///
/// The root data must come from the coordinator, not from the sites (in the simulator it is
/// a set-aside slice described where it is built; in a deployment, a curated public sample).
public struct FLTrust: AggregationRule {
    public let rootData: Dataset
    public let model: ModelSpec
    public let seed: UInt64

    public init(rootData: Dataset, model: ModelSpec, seed: UInt64) throws(AggregationRuleError) {
        guard !rootData.isEmpty else { throw .invalid("FLTrust needs a non-empty root data set") }
        self.rootData = rootData
        self.model = model
        self.seed = seed
    }

    public var name: String { "fltrust" }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        let server = try Model(spec: model, inputShape: rootData.exampleShape, task: rootData.task, seed: seed)
        server.parameters = context.globalParameters
        var sampler = BatchSampler(
            rowCount: rootData.count, batchSize: context.instructions.batchSize,
            seed: seed &+ UInt64(context.round))
        var optimizer = context.instructions.optimizer.makeOptimizer(parameterCount: server.parameterCount)
        _ = server.train(on: rootData, steps: context.instructions.localSteps, sampler: &sampler, optimizer: &optimizer)
        let rootUpdate = zip(server.parameters, context.globalParameters).map { $0 - $1 }
        return Aggregator(rootUpdate: rootUpdate, rootNorm: VectorMath.norm(rootUpdate))
    }

    struct Aggregator: RoundAggregator {
        let rootUpdate: [Float]
        let rootNorm: Double
        var sum: WeightedSum
        var contributors: [SiteID] = []
        var trust: [Double] = []
        var samples = 0
        var lossSum = 0.0

        init(rootUpdate: [Float], rootNorm: Double) {
            self.rootUpdate = rootUpdate
            self.rootNorm = rootNorm
            sum = WeightedSum(count: rootUpdate.count)
        }

        mutating func fold(_ update: SiteUpdate) throws {
            let norm = VectorMath.norm(update.delta)
            let cosine = norm == 0 || rootNorm == 0 ? 0 : VectorMath.dot(update.delta, rootUpdate) / (norm * rootNorm)
            let score = max(0, cosine)
            if score > 0 { sum.add(update.delta, weight: score * rootNorm / norm) }
            contributors.append(update.site)
            trust.append(score)
            samples += update.sampleCount
            lossSum += update.training.meanLoss * Double(update.sampleCount)
        }

        mutating func finish() throws -> RoundAggregate {
            let totalTrust = trust.reduce(0, +)
            var delta = sum.takeMean()  // sum / sum of (trust * rescale)
            if totalTrust > 0 {
                // takeMean divided by sum(trust * |g0|/|gi|); FLTrust divides by sum(trust).
                let correction = Float(sum.totalWeight / totalTrust)
                for i in delta.indices { delta[i] *= correction }
            } else {
                delta = [Float](repeating: 0, count: rootUpdate.count)
            }
            let shares = totalTrust > 0 ? trust.map { $0 / totalTrust } : trust
            return RoundAggregate(
                meanDelta: delta, contributors: contributors, totalSamples: samples,
                meanTrainingLoss: lossSum / Double(max(samples, 1)),
                shares: Dictionary(zip(contributors, shares), uniquingKeysWith: +))
        }
    }
}
