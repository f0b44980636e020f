import Foundation
import Testing

@testable import Privacy

@Suite struct SampledGaussianRDPTests {
    func rdp(q: Double, sigma: Double, order: Double, series: FractionalOrderSeries = .absoluteCoefficients) -> Double {
        SampledGaussianRDP.perStep(sampleRate: q, noiseMultiplier: sigma, order: order, series: series)
    }

    /// q = 1 is the Gaussian mechanism: α / (2σ²) at every order (Mironov 2017).
    @Test func fullSamplingIsTheGaussianMechanism() throws {
        let mechanism = try SampledGaussianMechanism(sampleRate: 1, noiseMultiplier: 2, steps: 3)
        for (order, value) in zip(RenyiOrders.dpAccounting.values, mechanism.renyiDivergences(at: .dpAccounting)) {
            #expect(abs(value - 3 * order / 8) <= 1e-15 * value)
        }
    }

    /// At α = 2 the binomial sum has a closed form: A₂ = 1 + q²(e^{1/σ²} − 1). (The sum in log
    /// space adds terms of order 1 into log A ≈ 4e-10 at q = 1e-4, σ = 5: ~1e-16 absolute
    /// rounding, as in dp-accounting, hence the absolute floor.)
    @Test func orderTwoMatchesTheClosedForm() {
        for (q, sigma) in [(0.01, 1.0), (0.3, 0.7), (1e-4, 5.0)] {
            let expected = log1p(q * q * expm1(1 / (sigma * sigma)))
            #expect(abs(rdp(q: q, sigma: sigma, order: 2) - expected) <= 1e-12 * expected + 1e-15)
        }
    }

    /// RDP is non-decreasing in the order (Mironov 2017), across the switch between the
    /// fractional series and the integer sum.
    @Test func divergenceGrowsWithOrderAcrossIntegerAndFractionalOrders() {
        for series in FractionalOrderSeries.allCases {
            var previous = 0.0
            for order in stride(from: 2.0, through: 12.0, by: 0.1) {
                let value = rdp(q: 0.02, sigma: 1.1, order: (order * 10).rounded() / 10, series: series)
                #expect(value >= previous * (1 - 1e-12), "order \(order), \(series)")
                previous = value
            }
        }
    }

    /// More noise or less sampling can only lower the divergence.
    @Test func divergenceFallsWithNoiseAndRisesWithSampling() {
        for order in [2.5, 3.0, 7.7, 32, 1024] {
            #expect(rdp(q: 0.01, sigma: 2, order: order) <= rdp(q: 0.01, sigma: 1, order: order))
            #expect(rdp(q: 0.01, sigma: 1, order: order) <= rdp(q: 0.1, sigma: 1, order: order))
            #expect(rdp(q: 0.1, sigma: 1, order: order) <= order / 2, "never above the unsampled Gaussian")
        }
    }

    /// The two fractional series: the signed one is exact, the |C(α, i)| one bounds it from
    /// above. Research note values at q = 0.04, σ = 1.5, α = 3.9.
    @Test func absoluteSeriesBoundsTheSignedSeries() {
        let signed = rdp(q: 0.04, sigma: 1.5, order: 3.9, series: .signedCoefficients)
        let absolute = rdp(q: 0.04, sigma: 1.5, order: 3.9, series: .absoluteCoefficients)
        #expect(abs(signed - 0.0018332021995636277) < 1e-15)
        #expect(abs(absolute - 0.0018333015466494246) < 1e-15)
        for (q, sigma, order) in [(0.01, 1.0, 2.5), (0.2, 2.0, 5.5), (0.001, 0.8, 10.9)] {
            let exact = rdp(q: q, sigma: sigma, order: order, series: .signedCoefficients)
            let bound = rdp(q: q, sigma: sigma, order: order, series: .absoluteCoefficients)
            #expect(bound >= exact)
            #expect(bound - exact <= 1e-3 * exact)
        }
    }

    /// The high orders stay finite where their terms (e^{α²/2σ²}, C(1024, i)) overflow Double.
    @Test func highOrdersDoNotOverflow() {
        for (q, sigma) in [(1e-4, 0.5), (0.01, 1.0), (0.5, 20.0)] {
            let value = rdp(q: q, sigma: sigma, order: 1024)
            #expect(value.isFinite)
            #expect(value > 0)
        }
    }

    /// At low fractional orders and large q the series' terms fall only polynomially (the
    /// Gaussian factor's growth cancels the geometric decay of q^i exactly), so dp-accounting's
    /// rule gives up after 1000 terms and excludes the order (RDP +∞), and so does the default
    /// here; the signed series, with its absolute e⁻³⁰ stop, finishes within 10 000 terms.
    @Test func slowSeriesAreGivenUpLikeDPAccounting() {
        #expect(rdp(q: 0.1, sigma: 1, order: 1.5, series: .absoluteCoefficients) == .infinity)
        let signed = rdp(q: 0.1, sigma: 1, order: 1.5, series: .signedCoefficients)
        #expect(signed.isFinite && signed > 0 && signed < 1.5 / 2)
    }
}
