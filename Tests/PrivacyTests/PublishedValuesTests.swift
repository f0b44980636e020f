import Testing

@testable import Privacy

/// The accountant reproduces numbers published in the reference libraries' own tests, each
/// with the method (orders, fractional series, conversion) that library used.
@Suite struct PublishedValuesTests {
    func epsilon(q: Double, sigma: Double, steps: Int, delta: Double, method: AccountingMethod) throws -> PrivacySpent {
        let mechanism = try SampledGaussianMechanism(sampleRate: q, noiseMultiplier: sigma, steps: steps)
        return try RDPAccountant.epsilon(of: mechanism, delta: delta, method: method)
    }

    /// opacus/tests/accountants_test.py::test_rdp_accountant: 90 epochs at q = 0.04.
    /// The optimum is the fractional order 3.9, so only Opacus's signed series reproduces it.
    @Test func opacusAccountantTest() throws {
        let spent = try epsilon(q: 0.04, sigma: 1.5, steps: 2250, delta: 1e-5, method: .opacus)
        #expect(abs(spent.epsilon - 7.32911117143) < 1e-9)
        #expect(spent.order == 3.9)
    }

    /// The same run under dp-accounting's |C(α, i)| series: slightly larger, as it must be.
    @Test func opacusSettingUnderDPAccounting() throws {
        let spent = try epsilon(q: 0.04, sigma: 1.5, steps: 2250, delta: 1e-5, method: .dpAccounting)
        // dp-accounting 0.6.0: RdpAccountant().compose(PoissonSampled(0.04, Gaussian(1.5)), 2250).
        #expect(abs(spent.epsilon - 7.329334702381698) < 1e-9)
        #expect(spent.order == 3.9)
        #expect(spent.epsilon > 7.32911117143)
    }

    /// tensorflow_privacy compute_dp_sgd_privacy_test.py, Test0: N = 60000, batch 150, 15 epochs.
    @Test func tensorFlowPrivacyTest0() throws {
        let spent = try epsilon(q: 0.0025, sigma: 1.3, steps: 6000, delta: 1e-5, method: .tensorFlowPrivacy)
        #expect(abs(spent.epsilon - 0.7242234026109595) < 1e-10)
        #expect(spent.order == 19)
    }

    /// Same file, Test1: N = 100000, batch 100, 30 epochs.
    @Test func tensorFlowPrivacyTest1() throws {
        let spent = try epsilon(q: 0.001, sigma: 1.0, steps: 30000, delta: 1e-7, method: .tensorFlowPrivacy)
        #expect(abs(spent.epsilon - 1.4154988495444842) < 1e-10)
        #expect(spent.order == 13)
    }

    /// The optimal orders there are integers, so the default method gives the same values.
    @Test func tensorFlowPrivacyValuesUnderTheDefaultMethod() throws {
        #expect(
            abs(
                try epsilon(q: 0.0025, sigma: 1.3, steps: 6000, delta: 1e-5, method: .dpAccounting).epsilon
                    - 0.7242234026109595) < 1e-10)
        #expect(
            abs(
                try epsilon(q: 0.001, sigma: 1.0, steps: 30000, delta: 1e-7, method: .dpAccounting).epsilon
                    - 1.4154988495444842) < 1e-10)
    }

    /// dp_accounting rdp_privacy_accountant_test.py::test_compute_rdp_poisson_sampled_gaussian
    /// (which checks with rtol 1e-4; these agree to the 9 digits printed).
    @Test func dpAccountingRDPValues() throws {
        let mechanism = try SampledGaussianMechanism(sampleRate: 0.01, noiseMultiplier: 2.5, steps: 50)
        let orders = try RenyiOrders([1.5, 2.5, 5, 50, 100])
        let expected = [6.70579741e-4, 1.08548710e-3, 2.18075656e-3, 2.38460375e-2, 167.416308]
        let rdp = mechanism.renyiDivergences(at: orders)
        for (value, reference) in zip(rdp, expected) {
            #expect(abs(value - reference) <= 1e-8 * reference, "RDP \(value), published \(reference)")
        }
    }

    /// Opacus's analysis/rdp.py docstring: two different mechanisms composed, orders 2 … 32.
    @Test func opacusHeterogeneousComposition() throws {
        let method = AccountingMethod(orders: try RenyiOrders((2...32).map(Double.init)), fractionalSeries: .signedCoefficients)
        var accountant = RDPAccountant(method: method)
        accountant.compose(try SampledGaussianMechanism(sampleRate: 1e-5, noiseMultiplier: 1.0, steps: 10))
        accountant.compose(try SampledGaussianMechanism(sampleRate: 1e-4, noiseMultiplier: 3.0, steps: 4))
        let spent = try accountant.privacySpent(delta: 1e-5)
        #expect(abs(spent.epsilon - 0.336) < 5e-4)
        // dp-accounting 0.6.0 on the same composition: 0.33634406339259515.
        #expect(abs(spent.epsilon - 0.33634406339259515) < 1e-10)
        #expect(spent.order == 23)
    }

    /// dp_accounting test_compute_epsilon_delta_pure_dp: the conversion alone.
    @Test func dpAccountingConversionOnly() throws {
        let orders = try RenyiOrders((2...32).map(Double.init))
        let spent = EpsilonConversion.balle2020.privacySpent(rdp: Array(repeating: 1.1, count: 31), orders: orders, delta: 1e-5)
        #expect(abs(spent.epsilon - 1.32783806176) < 1e-10)
        #expect(spent.order == 32)
    }
}
