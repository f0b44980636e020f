import Foundation
import Testing

@testable import Privacy

@Suite struct EpsilonConversionTests {
    let orders = try! RenyiOrders((2...32).map(Double.init))

    /// Mironov 2017, Prop. 3, by hand: constant RDP 1.1 is best converted at the largest order.
    @Test func classicConversionByHand() {
        let spent = EpsilonConversion.mironov2017.privacySpent(rdp: Array(repeating: 1.1, count: 31), orders: orders, delta: 1e-5)
        #expect(abs(spent.epsilon - (1.1 + log(1e5) / 31)) < 1e-14)
        #expect(spent.order == 32)
    }

    /// The improved bound is tighter at every order above 1.01.
    @Test func improvedConversionIsTighterThanClassic() throws {
        let accountant = RDPAccountant().composing(try SampledGaussianMechanism(sampleRate: 0.01, noiseMultiplier: 1.1, steps: 5000))
        for delta in [1e-3, 1e-5, 1e-9] {
            let classic = EpsilonConversion.mironov2017.privacySpent(rdp: accountant.renyiDivergences, orders: .dpAccounting, delta: delta)
            let improved = try accountant.privacySpent(delta: delta)
            #expect(improved.epsilon < classic.epsilon)
        }
        // The published Opacus setting: 7.3293 (Balle et al.) vs 8.0739 (Mironov), at orders 3.9 and 4.1.
        let opacus = RDPAccountant().composing(try SampledGaussianMechanism(sampleRate: 0.04, noiseMultiplier: 1.5, steps: 2250))
        let classic = EpsilonConversion.mironov2017.privacySpent(rdp: opacus.renyiDivergences, orders: .dpAccounting, delta: 1e-5)
        #expect(abs(classic.epsilon - 8.073865345474037) < 1e-9)
        #expect(classic.order == 4.1)
    }

    /// When even the KL divergence bounds total variation below δ, ε is 0 (dp-accounting's guard).
    @Test func negligibleDivergenceGivesZeroEpsilon() {
        let spent = EpsilonConversion.balle2020.privacySpent(rdp: Array(repeating: 1e-14, count: 31), orders: orders, delta: 1e-5)
        #expect(spent.epsilon == 0)
        #expect(spent.order == 2, "the first order attaining the minimum, as numpy.argmin")
    }

    /// Orders at or below 1.01 give no finite improved bound; infinite or NaN RDP gives none either.
    @Test func unusableOrdersAreSkipped() throws {
        let narrow = try RenyiOrders([1.005, 2])
        let spent = EpsilonConversion.balle2020.privacySpent(rdp: [0.5, 0.5], orders: narrow, delta: 1e-5)
        #expect(spent.order == 2)
        let skipping = EpsilonConversion.balle2020.privacySpent(rdp: [.nan, .infinity] + Array(repeating: 1.1, count: 29), orders: orders, delta: 1e-5)
        #expect(skipping.epsilon.isFinite)
        let none = EpsilonConversion.balle2020.privacySpent(rdp: Array(repeating: .infinity, count: 31), orders: orders, delta: 1e-5)
        #expect(none.epsilon == .infinity)
    }
}
