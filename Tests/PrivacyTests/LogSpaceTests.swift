import Foundation
import Testing

@testable import Privacy

@Suite struct LogSpaceTests {
    @Test func addAndSubtractInvertEachOther() throws {
        #expect(abs(LogSpace.add(log(2), log(3)) - log(5)) < 1e-15)
        #expect(LogSpace.add(-.infinity, 1.5) == 1.5)
        #expect(LogSpace.add(1000, 1000) == 1000 + log(2), "no overflow where e^1000 would")
        let difference = try #require(LogSpace.subtract(log(5), log(3)))
        #expect(abs(difference - log(2)) < 1e-15)
        #expect(LogSpace.subtract(2, 2) == -.infinity)
        #expect(LogSpace.subtract(1, 2) == nil, "a negative difference has no logarithm")
        #expect(LogSpace.subtract(800, -.infinity) == 800)
    }

    @Test func binomialsMatchExactValuesAndSigns() {
        #expect(abs(LogSpace.binomial(10, 3).log - log(120)) < 1e-13)
        #expect(LogSpace.binomial(10, 3).isNegative == false)
        #expect(abs(LogSpace.binomial(1024, 512).log - 706.0) < 1, "log C(1024, 512) ≈ 706.1, near the top of Double's range")
        #expect(LogSpace.binomial(4, 6).log == -.infinity, "C(4, 6) = 0")
        // C(2.5, 4) = 2.5·1.5·0.5·(−0.5)/24 = −0.0390625.
        let fractional = LogSpace.binomial(2.5, 4)
        #expect(abs(fractional.log - log(0.0390625)) < 1e-13)
        #expect(fractional.isNegative)
        #expect(LogSpace.binomial(2.5, 5).isNegative == false, "signs alternate past α + 1")
    }

    @Test func logErfcIsAccurateAndContinuousIntoTheTail() {
        for x in [-10.0, -3.5, -1, 0, 0.5, 3, 10, 24] {
            #expect(abs(LogSpace.erfc(x) - log(erfc(x))) <= 1e-14 * max(1, abs(log(erfc(x)))))
        }
        // The asymptotic series takes over at 25; it must agree with the direct value there.
        #expect(abs(LogSpace.erfc(25.0.nextDown) - LogSpace.erfc(25)) < 1e-12 * 625)
        #expect(abs(LogSpace.erfc(25) - log(erfc(25))) < 1e-12 * 625)
        // Where erfc itself underflows to zero, the logarithm stays finite: −x² − log(x√π) − …
        let far = LogSpace.erfc(40)
        #expect(far.isFinite)
        #expect(abs(far - (-1600 - log(40 * sqrt(Double.pi)) - 0.5 / 1600)) < 1e-6)
    }
}
