/// The noise multiplier a training run needs to stay within a target ε: the inverse of the
/// accountant, found by bisection.
///
/// ε is non-increasing in σ (more noise is post-processing of less noise, so every RDP order
/// can only shrink, and so can their minimum), which makes bisection sound. The result is on
/// the safe side: ε at the returned σ is at most the target, and the smallest σ that reaches
/// the target lies within `relativeTolerance` below it.
public struct NoiseCalibration: Sendable, Hashable {
    /// The smallest σ found whose ε does not exceed the target.
    public let noiseMultiplier: Double
    /// What the run costs at `noiseMultiplier` (everything composed before it included).
    public let spent: PrivacySpent

    /// σ is searched in [2⁻¹⁰, 2¹⁴] ≈ [0.001, 16384]: below, no useful ε; above, the model
    /// learns nothing. A target met even at 2⁻¹⁰ returns 2⁻¹⁰.
    public static let searchRange: ClosedRange<Double> = 0x1p-10...0x1p14

    /// The default tolerance: σ is found to 1 part in a million, far finer than anyone sets it.
    public static let defaultRelativeTolerance = 1e-6

    /// The σ that `steps` more steps at `sampleRate` need, after what `accountant` has already
    /// composed, to reach `epsilon` at `delta`.
    public init(
        epsilon target: Double, delta: Double, sampleRate: Double, steps: Int,
        after accountant: RDPAccountant = RDPAccountant(),
        relativeTolerance: Double = NoiseCalibration.defaultRelativeTolerance
    ) throws(PrivacyAccountingError) {
        guard target > 0, target.isFinite else { throw .invalidEpsilon(target) }
        guard delta > 0, delta < 1 else { throw .invalidDelta(delta) }
        _ = try SampledGaussianMechanism(sampleRate: sampleRate, noiseMultiplier: 1, steps: steps)

        func spent(_ sigma: Double) -> PrivacySpent {
            // Validated above: sampleRate and steps are in range and sigma > 0 is finite.
            let mechanism = try! SampledGaussianMechanism(sampleRate: sampleRate, noiseMultiplier: sigma, steps: steps)
            return try! accountant.composing(mechanism).privacySpent(delta: delta)
        }

        // Bracket the threshold: spent(low) > target >= spent(high).
        var high = 1.0, low: Double
        var atHigh = spent(high)
        if atHigh.epsilon > target {
            repeat {
                low = high
                high *= 2
                atHigh = spent(high)
                if atHigh.epsilon > target, high >= Self.searchRange.upperBound {
                    throw .unreachableEpsilon(
                        target: target, delta: delta, largestNoiseMultiplier: high,
                        epsilonThere: atHigh.epsilon)
                }
            } while atHigh.epsilon > target
        } else {
            while true {
                if high <= Self.searchRange.lowerBound {
                    self.init(noiseMultiplier: high, spent: atHigh)
                    return
                }
                low = high / 2
                let atLow = spent(low)
                if atLow.epsilon > target { break }
                high = low
                atHigh = atLow
            }
        }

        // At least 1e-12: finer than that, the midpoint of two neighbouring doubles is one of them.
        let tolerance = max(relativeTolerance, 1e-12)
        while high - low > tolerance * high {
            let middle = (low + high) / 2
            let atMiddle = spent(middle)
            if atMiddle.epsilon <= target {
                high = middle
                atHigh = atMiddle
            } else {
                low = middle
            }
        }
        self.init(noiseMultiplier: high, spent: atHigh)
    }

    private init(noiseMultiplier: Double, spent: PrivacySpent) {
        self.noiseMultiplier = noiseMultiplier
        self.spent = spent
    }
}
