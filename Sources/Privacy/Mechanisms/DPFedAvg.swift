import Federation
import Foundation
import Learning

/// DP-FedAvg with adaptive clipping (McMahan et al. 2018; Andrew, Thakkar, McMahan &
/// Ramaswamy, NeurIPS 2021): user-level differential privacy applied by the coordinator.
///
/// Every update is clipped to the norm C, the clipped updates are summed, Gaussian noise of
/// standard deviation z_delta * C is added, and the sum is divided by the number of updates.
/// C adapts so that a target quantile gamma of updates falls under it: each site's clipping
/// indicator b_i = [|delta_i| <= C] is summed with Gaussian noise sigma_b, giving b =
/// (sum b_i + N(0, sigma_b^2)) / m, and C <- C * exp(-eta (b - gamma)). When most updates are
/// clipped (b < gamma) the clip grows; when most are not, it shrinks, which is the paper's
/// direction. The total noise multiplier z is split as z_delta = (z^-2 - (2 sigma_b)^-2)^(-1/2)
/// so that the pair of releases together cost what one Gaussian mechanism with z would
/// (Theorem 1 of Andrew et al.). Defaults are the paper's: C0 = 0.1, gamma = 0.5, eta = 0.2,
/// sigma_b = m / 20. With z = 0 (no privacy) the count is not noised either.
///
/// The noise is secure by default (`NoiseSource`): drawn from the coordinator's kernel, it
/// cannot be regenerated from the study seed every site holds. Seeded noise reproduces a
/// simulation bit for bit and is not private.
public struct DPFedAvg: AggregationRule {
    public var noiseMultiplier: Double
    public private(set) var clipNorm: Double
    public var targetQuantile: Double
    public var clipLearningRate: Double
    public var adaptive: Bool
    /// Expected updates per round (m), which fixes sigma_b = m / 20.
    public var expectedUpdates: Int
    /// Seeds the noise in `.seeded` mode only.
    public let seed: UInt64
    public let noiseSource: NoiseSource
    private var round = 0

    public init(
        noiseMultiplier: Double, initialClipNorm: Double = 0.1, targetQuantile: Double = 0.5,
        clipLearningRate: Double = 0.2, adaptive: Bool = true, expectedUpdates: Int, seed: UInt64,
        noise: NoiseSource = .secure
    ) throws(AggregationRuleError) {
        guard noiseMultiplier >= 0, noiseMultiplier.isFinite else { throw .invalid("DP-FedAvg needs a noise multiplier >= 0, got \(noiseMultiplier)") }
        guard initialClipNorm > 0, initialClipNorm.isFinite else { throw .invalid("DP-FedAvg needs a positive clipping norm, got \(initialClipNorm)") }
        guard targetQuantile > 0, targetQuantile < 1 else { throw .invalid("the target quantile must be in (0, 1), got \(targetQuantile)") }
        guard clipLearningRate > 0 else { throw .invalid("the clip learning rate must be positive, got \(clipLearningRate)") }
        guard expectedUpdates >= 1 else { throw .invalid("DP-FedAvg needs at least one update per round") }
        self.noiseMultiplier = noiseMultiplier
        clipNorm = initialClipNorm
        self.targetQuantile = targetQuantile
        self.clipLearningRate = clipLearningRate
        self.adaptive = adaptive
        self.expectedUpdates = expectedUpdates
        self.seed = seed
        noiseSource = noise
        if adaptive && noiseMultiplier > 0 && noiseMultiplier >= 2 * countNoise {
            throw .invalid(
                "noise multiplier \(noiseMultiplier) is too large to split with the clip-count noise \(countNoise) (needs z < 2 sigma_b); lower it or use more sites per round"
            )
        }
    }

    public var name: String { "dp-fedavg" }

    public var state: ComponentState { ComponentState(scalars: ["clip_norm": clipNorm, "round": Double(round)]) }

    public mutating func restore(_ state: ComponentState) throws {
        guard let clip = state.scalars["clip_norm"], clip > 0 else { throw StateMismatch("DP-FedAvg checkpoint has no clipping norm") }
        clipNorm = clip
        round = Int(state.scalars["round"] ?? 0)
    }
    /// Only sums and counts leave the aggregate: compatible with secure aggregation.
    public var needsIndividualUpdates: Bool { false }

    /// sigma_b, the noise on the count of unclipped updates.
    public var countNoise: Double { Double(expectedUpdates) / 20 }

    /// z_delta: the part of the noise budget left for the updates themselves.
    public var updateNoiseMultiplier: Double {
        guard adaptive, noiseMultiplier > 0 else { return noiseMultiplier }
        return 1 / (1 / (noiseMultiplier * noiseMultiplier) - 1 / (4 * countNoise * countNoise)).squareRoot()
    }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        Aggregator(
            count: context.globalParameters.count, clipNorm: clipNorm, updateNoise: updateNoiseMultiplier,
            countNoise: adaptive && noiseMultiplier > 0 ? countNoise : 0,
            noise: noise(forRound: context.round))
    }

    /// The draws of one round's noisy sum and count.
    func noise(forRound round: Int) -> DPNoise {
        DPNoise(noiseSource, seed: seed, stream: 0xD9_0000 &+ UInt64(round))
    }

    public mutating func roundFinished(_ aggregate: RoundAggregate) {
        round += 1
        guard adaptive, let fraction = aggregate.unclippedFraction else { return }
        clipNorm *= Foundation.exp(-clipLearningRate * (fraction - targetQuantile))
    }

    struct Aggregator: RoundAggregator {
        var sum: WeightedSum
        let clipNorm: Double
        let updateNoise: Double
        let countNoise: Double
        var noise: DPNoise
        var contributors: [SiteID] = []
        var unclipped = 0
        var samples = 0
        var lossSum = 0.0

        init(count: Int, clipNorm: Double, updateNoise: Double, countNoise: Double, noise: DPNoise) {
            sum = WeightedSum(count: count)
            self.clipNorm = clipNorm
            self.updateNoise = updateNoise
            self.countNoise = countNoise
            self.noise = noise
        }

        mutating func fold(_ update: SiteUpdate) throws {
            var norm = 0.0
            for value in update.delta { norm += Double(value) * Double(value) }
            norm = norm.squareRoot()
            if norm <= clipNorm { unclipped += 1 }
            sum.add(update.delta, weight: norm > clipNorm ? clipNorm / norm : 1)
            contributors.append(update.site)
            samples += update.sampleCount
            lossSum += update.training.meanLoss * Double(update.sampleCount)
        }

        mutating func finish() throws -> RoundAggregate {
            let m = Double(max(contributors.count, 1))
            var total = sum.sum
            let deviation = updateNoise * clipNorm
            if deviation > 0 {
                for i in total.indices { total[i] += Float(noise.gaussian(deviation: deviation)) }
            }
            let scale = Float(1 / m)
            for i in total.indices { total[i] *= scale }
            var aggregate = RoundAggregate(
                meanDelta: total, contributors: contributors, totalSamples: samples,
                meanTrainingLoss: lossSum / Double(max(samples, 1)))
            let noisyCount = Double(unclipped) + (countNoise > 0 ? noise.gaussian(deviation: countNoise) : 0)
            aggregate.unclippedFraction = noisyCount / m
            return aggregate
        }
    }
}
