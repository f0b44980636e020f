import Foundation
import Testing

@testable import Privacy

/// Agreement with dp-accounting 0.6.0 (`RdpAccountant()` defaults) on the grid written by
/// `scripts/compare_accountant.py`: q in [1e-4, 1], σ in [0.5, 20], steps in [1, 1e5],
/// δ in [1e-9, 1e-3], plus heterogeneous compositions.
@Suite struct DPAccountingGridTests {
    struct Grid: Decodable {
        struct Curve: Decodable {
            var sampleRate: Double
            var noiseMultiplier: Double
            var rdp: [Double]
        }
        struct Point: Decodable {
            var sampleRate: Double
            var noiseMultiplier: Double
            var steps: Int
            var delta: Double
            var epsilon: Double
            var order: Double
        }
        struct Composition: Decodable {
            var mechanisms: [SampledGaussianMechanism]
            var delta: Double
            var epsilon: Double
            var order: Double
        }
        var dpAccountingVersion: String
        var orders: [Double]
        var mechanisms: [Curve]
        var points: [Point]
        var compositions: [Composition]
    }

    static let grid: Result<Grid, any Error> = Result {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(Grid.self, from: Data(contentsOf: Fixtures.url("dp_accounting_grid.json")))
    }

    @Test func fixtureIsComplete() throws {
        let grid = try Self.grid.get()
        #expect(grid.dpAccountingVersion == "0.6.0")
        #expect(grid.points.count >= 1000)
        #expect(grid.mechanisms.count >= 50)
        #expect(grid.orders == RenyiOrders.dpAccounting.values, "the default orders are dp-accounting's, to the bit")
    }

    /// The per-step RDP at every default order, including the orders where dp-accounting gives
    /// up on the fractional series (both say +∞ there): within 1e-6 relative or 1e-14 absolute.
    @Test func renyiDivergencesMatch() throws {
        var worstRelative = 0.0, worstAbsolute = 0.0
        for curve in try Self.grid.get().mechanisms {
            let mechanism = try SampledGaussianMechanism(sampleRate: curve.sampleRate, noiseMultiplier: curve.noiseMultiplier, steps: 1)
            let ours = mechanism.renyiDivergences(at: .dpAccounting)
            for (index, (value, reference)) in zip(ours, curve.rdp).enumerated() {
                // Tiny divergences (1e-11 at q = 1e-4, σ = 20) are log A ≈ 1e-12 summed from
                // terms of order 1: both libraries carry ~1e-16 absolute rounding there, so
                // relative agreement is only ~1e-5, irrelevant to any ε. Hence the absolute floor.
                let withinFloor = value.isFinite && reference.isFinite && abs(value - reference) <= 1e-14
                #expect(
                    withinFloor || relativeError(value, reference) <= 1e-6,
                    "q \(curve.sampleRate), σ \(curve.noiseMultiplier), α \((try? Self.grid.get().orders[index]) ?? 0): \(value) vs \(reference)")
                if reference.isFinite && reference > 1e-8 { worstRelative = max(worstRelative, relativeError(value, reference)) }
                if reference.isFinite { worstAbsolute = max(worstAbsolute, abs(value - reference)) }
                #expect(value.isInfinite == reference.isInfinite)
            }
        }
        print("per-step RDP vs dp-accounting: max relative error \(worstRelative) (values above 1e-8), max absolute error \(worstAbsolute)")
    }

    /// ε at every grid point within 1e-3 relative (in practice ~1e-12), and the same optimal order.
    @Test func epsilonsMatch() throws {
        let points = try Self.grid.get().points
        var worst = 0.0, orderDisagreements = 0
        var curves: [String: [Double]] = [:]
        for point in points {
            let key = "\(point.sampleRate) \(point.noiseMultiplier)"
            // One RDP curve per (q, σ); T steps scale it, as dp-accounting's `count * rdp`.
            let perStep =
                try curves[key]
                ?? SampledGaussianMechanism(
                    sampleRate: point.sampleRate, noiseMultiplier: point.noiseMultiplier, steps: 1
                ).renyiDivergences(at: .dpAccounting)
            curves[key] = perStep
            let rdp = perStep.map { Double(point.steps) * $0 }
            let spent = EpsilonConversion.balle2020.privacySpent(rdp: rdp, orders: .dpAccounting, delta: point.delta)
            let error = relativeError(spent.epsilon, point.epsilon)
            worst = max(worst, error)
            #expect(error <= 1e-3, "q \(point.sampleRate) σ \(point.noiseMultiplier) T \(point.steps) δ \(point.delta): ε \(spent.epsilon) vs \(point.epsilon)")
            if spent.order != point.order { orderDisagreements += 1 }
        }
        print("epsilon vs dp-accounting on \(points.count) points: max relative error \(worst), optimal order differs at \(orderDisagreements)")
        #expect(orderDisagreements == 0)
    }

    @Test func heterogeneousCompositionsMatch() throws {
        let compositions = try Self.grid.get().compositions
        #expect(!compositions.isEmpty)
        for composition in compositions {
            var accountant = RDPAccountant()
            for mechanism in composition.mechanisms { accountant.compose(mechanism) }
            let spent = try accountant.privacySpent(delta: composition.delta)
            #expect(relativeError(spent.epsilon, composition.epsilon) <= 1e-9, "\(spent.epsilon) vs \(composition.epsilon)")
            #expect(spent.order == composition.order)
        }
    }
}
