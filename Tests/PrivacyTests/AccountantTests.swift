import Foundation
import Testing

@testable import Privacy

@Suite struct AccountantTests {
    func mechanism(_ q: Double, _ sigma: Double, _ steps: Int) throws -> SampledGaussianMechanism {
        try SampledGaussianMechanism(sampleRate: q, noiseMultiplier: sigma, steps: steps)
    }

    @Test func mechanismRefusesParametersOutsideTheirRange() {
        #expect(throws: PrivacyAccountingError.invalidSampleRate(0)) { try mechanism(0, 1, 1) }
        #expect(throws: PrivacyAccountingError.invalidSampleRate(1.5)) { try mechanism(1.5, 1, 1) }
        #expect(throws: PrivacyAccountingError.invalidNoiseMultiplier(0)) { try mechanism(0.1, 0, 1) }
        #expect(throws: PrivacyAccountingError.invalidNoiseMultiplier(-1)) { try mechanism(0.1, -1, 1) }
        #expect(throws: PrivacyAccountingError.invalidNoiseMultiplier(.infinity)) { try mechanism(0.1, .infinity, 1) }
        #expect(throws: PrivacyAccountingError.invalidSteps(0)) { try mechanism(0.1, 1, 0) }
        #expect(throws: (any Error).self) { try mechanism(.nan, 1, 1) }
        #expect(throws: (any Error).self) { try mechanism(0.1, .nan, 1) }
    }

    @Test func accountantRefusesDeltaOutsideTheOpenUnitInterval() throws {
        let accountant = RDPAccountant().composing(try mechanism(0.01, 1, 100))
        for delta in [0.0, 1, -1e-5, 2, .nan] {
            #expect(throws: (any Error).self) { try accountant.privacySpent(delta: delta) }
        }
    }

    @Test func ordersMustExceedOne() throws {
        #expect(throws: (any Error).self) { try RenyiOrders([]) }
        #expect(throws: (any Error).self) { try RenyiOrders([1, 2]) }
        #expect(throws: (any Error).self) { try RenyiOrders([2, .infinity]) }
        #expect(try RenyiOrders([3, 2, 2]).values == [2, 3])
    }

    @Test func defaultOrderListsAreTheLibraries() {
        let dp = RenyiOrders.dpAccounting.values
        #expect(dp.count == 99 + 53 + 4)
        #expect(dp.first == 1.1 && dp.contains(11) && dp.last == 1024)
        #expect(dp[1] == 1 + 2.0 / 10, "built like the Python, so the same doubles")
        #expect(!RenyiOrders.opacus.values.contains(11) && RenyiOrders.opacus.values.last == 63)
        #expect(RenyiOrders.tensorFlowPrivacy.values.first == 1.25 && RenyiOrders.tensorFlowPrivacy.values.last == 512)
    }

    /// RDP composes additively: T₁ steps then T₂ steps is T₁ + T₂ steps.
    @Test func compositionAddsSteps() throws {
        let split = RDPAccountant().composing(try mechanism(0.02, 1.1, 300)).composing(try mechanism(0.02, 1.1, 700))
        let whole = RDPAccountant().composing(try mechanism(0.02, 1.1, 1000))
        for (a, b) in zip(split.renyiDivergences, whole.renyiDivergences) {
            #expect(abs(a - b) <= 1e-12 * b)
        }
        #expect(abs(try split.privacySpent(delta: 1e-5).epsilon - whole.privacySpent(delta: 1e-5).epsilon) < 1e-12)
    }

    /// A heterogeneous ledger does not depend on the order of its rounds.
    @Test func heterogeneousCompositionIsOrderIndependent() throws {
        let rounds = [try mechanism(0.01, 1.1, 100), try mechanism(0.5, 4, 20), try mechanism(1, 10, 1)]
        var forward = RDPAccountant(), backward = RDPAccountant()
        for round in rounds { forward.compose(round) }
        for round in rounds.reversed() { backward.compose(round) }
        let a = try forward.privacySpent(delta: 1e-6), b = try backward.privacySpent(delta: 1e-6)
        #expect(abs(a.epsilon - b.epsilon) <= 1e-12 * a.epsilon)
        #expect(a.epsilon > 0)
    }

    @Test func nothingComposedSpendsNothing() throws {
        let spent = try RDPAccountant().privacySpent(delta: 1e-5)
        #expect(spent.epsilon == 0)
    }

    @Test func epsilonGrowsWithStepsAndShrinksWithNoise() throws {
        var previous = 0.0
        for steps in [1, 10, 100, 1000, 10000] {
            let epsilon = try RDPAccountant.epsilon(of: mechanism(0.01, 1.0, steps), delta: 1e-5).epsilon
            #expect(epsilon > previous)
            previous = epsilon
        }
        previous = .infinity
        for sigma in [0.6, 0.8, 1.0, 2.0, 4.0] {
            let epsilon = try RDPAccountant.epsilon(of: mechanism(0.01, sigma, 1000), delta: 1e-5).epsilon
            #expect(epsilon < previous)
            previous = epsilon
        }
    }
}
