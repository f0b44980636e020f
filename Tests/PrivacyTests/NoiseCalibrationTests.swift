import Foundation
import Testing

@testable import Privacy

@Suite struct NoiseCalibrationTests {
    func epsilon(_ q: Double, _ sigma: Double, _ steps: Int, _ delta: Double, after accountant: RDPAccountant = RDPAccountant()) throws -> Double {
        try accountant.composing(SampledGaussianMechanism(sampleRate: q, noiseMultiplier: sigma, steps: steps)).privacySpent(delta: delta).epsilon
    }

    /// The answer is on the safe side of the target and within the tolerance of the threshold.
    @Test(arguments: [(0.04, 2250, 1e-5, 8.0), (0.001, 30000, 1e-7, 1.0), (1.0, 10, 1e-5, 3.0), (0.01, 1, 1e-9, 0.2)])
    func calibrationBracketsTheThreshold(q: Double, steps: Int, delta: Double, target: Double) throws {
        let calibration = try NoiseCalibration(epsilon: target, delta: delta, sampleRate: q, steps: steps)
        let sigma = calibration.noiseMultiplier
        #expect(calibration.spent.epsilon <= target)
        #expect(abs(try epsilon(q, sigma, steps, delta) - calibration.spent.epsilon) < 1e-12)
        #expect(try epsilon(q, sigma * (1 - 2e-6), steps, delta) > target, "a noticeably smaller σ overshoots")
    }

    /// Opacus accountants_test.py (get_noise_multiplier, RDP accountant, ε tolerance 0.01):
    /// target ε = 8, δ = 1e-5, q = 0.04 → σ ≈ 1.416 over 90 epochs, ≈ 1.3562 over 2000 steps.
    @Test func opacusNoiseMultipliers() throws {
        let epochs = try NoiseCalibration(epsilon: 8, delta: 1e-5, sampleRate: 0.04, steps: 2250, after: RDPAccountant(method: .opacus))
        #expect(abs(epochs.noiseMultiplier - 1.416) < 0.005)
        let steps = try NoiseCalibration(epsilon: 8, delta: 1e-5, sampleRate: 0.04, steps: 2000, after: RDPAccountant(method: .opacus))
        #expect(abs(steps.noiseMultiplier - 1.3562) < 0.005)
    }

    /// After part of the budget is spent, the remaining rounds need more noise.
    @Test func calibrationAfterEarlierRounds() throws {
        let earlier = RDPAccountant().composing(try SampledGaussianMechanism(sampleRate: 0.01, noiseMultiplier: 1.0, steps: 1000))
        let fresh = try NoiseCalibration(epsilon: 4, delta: 1e-5, sampleRate: 0.01, steps: 1000)
        let later = try NoiseCalibration(epsilon: 4, delta: 1e-5, sampleRate: 0.01, steps: 1000, after: earlier)
        #expect(later.noiseMultiplier > fresh.noiseMultiplier)
        #expect(try epsilon(0.01, later.noiseMultiplier, 1000, 1e-5, after: earlier) <= 4)
    }

    @Test func unreachableTargetIsReported() throws {
        // With q = 1 and 1e5 steps, ε cannot fall to 1e-4 even at σ = 16384.
        #expect {
            try NoiseCalibration(epsilon: 1e-4, delta: 1e-9, sampleRate: 1, steps: 100_000)
        } throws: { error in
            guard case .unreachableEpsilon(let target, _, let sigma, let there) = error as? PrivacyAccountingError else { return false }
            return target == 1e-4 && sigma == NoiseCalibration.searchRange.upperBound && there > 1e-4
        }
        // A budget already spent leaves nothing for any noise.
        let spent = RDPAccountant().composing(try SampledGaussianMechanism(sampleRate: 0.1, noiseMultiplier: 0.8, steps: 1000))
        #expect(throws: (any Error).self) {
            try NoiseCalibration(epsilon: 1, delta: 1e-5, sampleRate: 0.01, steps: 10, after: spent)
        }
    }

    @Test func invalidInputsAreNamed() {
        #expect(throws: PrivacyAccountingError.invalidEpsilon(0)) { try NoiseCalibration(epsilon: 0, delta: 1e-5, sampleRate: 0.1, steps: 10) }
        #expect(throws: PrivacyAccountingError.invalidEpsilon(-1)) { try NoiseCalibration(epsilon: -1, delta: 1e-5, sampleRate: 0.1, steps: 10) }
        #expect(throws: PrivacyAccountingError.invalidDelta(1)) { try NoiseCalibration(epsilon: 1, delta: 1, sampleRate: 0.1, steps: 10) }
        #expect(throws: PrivacyAccountingError.invalidSampleRate(0)) { try NoiseCalibration(epsilon: 1, delta: 1e-5, sampleRate: 0, steps: 10) }
        #expect(throws: PrivacyAccountingError.invalidSteps(0)) { try NoiseCalibration(epsilon: 1, delta: 1e-5, sampleRate: 0.1, steps: 0) }
    }
}
