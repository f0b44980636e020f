import Foundation
import Testing

@testable import ClinicalData

/// Random small cohorts, published, then attacked by `ExhaustiveAttacker`, which enumerates
/// every cohort of counts consistent with the published figures: no count from 1 to 10 (nor
/// any sum of hidden cells of one table) may take a single value, every "<11" must be a count
/// from 1 to 10 and every "withheld" one of 11 or more.
struct DisclosurePropertyTests {
    /// SplitMix64: the cohorts are the same on every run.
    private struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) < p * 10_000 }
    }

    /// A cohort of up to `largest` patients with counts spread so that some cells are small
    /// and some are not.
    private static func cohort(_ random: inout Random, largest: Int) -> ReportScenario {
        let dropsIncomplete = random.chance(0.3)
        var scenario = ReportScenario(policy: dropsIncomplete ? .dropRow : .impute(indicator: true))
        let kept = random.int(0...largest / 2)
        let diabetesShare = [0.05, 0.2, 0.5][random.int(0...2)]
        let glucoseMissing = [0.0, 0.05, 0.3, 0.8][random.int(0...3)]
        let positiveShare = [0.05, 0.3, 0.6][random.int(0...2)]
        for _ in 0..<kept {
            let glucose = !dropsIncomplete && random.chance(glucoseMissing) ? Double.nan : Double(random.int(60...200))
            let smoking = !dropsIncomplete && random.chance(0.1) ? Double.nan : Double(random.int(0...2) == 2 ? random.int(0...2) : 0)
            scenario.add(
                .kept(label: random.chance(positiveShare) ? 1 : 0),
                values: [Double(random.int(18...90)), glucose, random.chance(diabetesShare) ? 1 : 0, smoking])
        }
        var reasons: [ExclusionReason] = [.diedBeforeIndex, .bornAfterIndex, .youngerThan(18)]
        if dropsIncomplete { reasons += [.missingValue(feature: "glucose"), .missingValue(feature: "smoking")] }
        for reason in reasons where random.chance(0.6) {
            let count = random.chance(0.5) ? random.int(1...10) : random.int(11...max(11, largest / 4))
            for _ in 0..<count {
                if case .missingValue(let feature) = reason {
                    let values = feature == "glucose" ? [50, .nan, 0, 0] : [50, 100, 0, Double.nan]
                    scenario.add(.excluded(reason), values: values)
                } else {
                    scenario.add(.excluded(reason), values: [])
                }
            }
        }
        for kind in ["unreadable date", "malformed value"] where random.chance(0.4) {
            scenario.errorsByKind[kind] = random.chance(0.5) ? random.int(1...10) : random.int(11...30)
        }
        return scenario
    }

    /// The attacker finds what the old publication leaked (so its silence below means something).
    @Test func theAttackerFindsTheLeaksOfPerTableSuppression() {
        // 100 read, 95 kept printed, 5 died "<11": the subtraction.
        var figures = PublishedFigures(
            dropsIncomplete: false, read: .exact(100), kept: .exact(95),
            exclusions: [("died", false, .small)], positive: .exact(40), negative: .exact(55),
            features: [], errorTotal: .exact(0), errorKinds: [])
        #expect(ExhaustiveAttacker(figures, cap: 200).attack().leaks.map(\.value) == [5])
        // Both hidden as per-table suppression did, but kept is the label's total: still 5.
        figures.kept = .anyPositive
        figures.exclusions = [("died", false, .anyPositive)]
        #expect(ExhaustiveAttacker(figures, cap: 200).attack().leaks.map(\.value) == [5])
        // Two hidden exclusions summing to a printed difference: 8.
        figures = PublishedFigures(
            dropsIncomplete: false, read: .exact(100), kept: .exact(80),
            exclusions: [("died", false, .small), ("born after", false, .small), ("under 18", false, .exact(12))],
            positive: .exact(30), negative: .exact(50), features: [], errorTotal: .exact(0), errorKinds: [])
        #expect(ExhaustiveAttacker(figures, cap: 200).attack().leaks.map(\.value) == [8])
        // A withheld complement protects them.
        figures.exclusions[2].shown = .withheld
        #expect(ExhaustiveAttacker(figures, cap: 200).attack().leaks.isEmpty)
    }

    /// 40 cohorts keep the test to a few seconds in a debug build; COHORT_DISCLOSURE_TRIALS=N
    /// runs more (500 pass).
    @Test func noSmallCountIsDeterminedInRandomCohorts() {
        let trials = ProcessInfo.processInfo.environment["COHORT_DISCLOSURE_TRIALS"].flatMap(Int.init) ?? 40
        var random = Random(state: 19)
        var complemented = 0
        for trial in 0..<trials {
            let report = Self.cohort(&random, largest: 70).report
            let published = PublishedQualityReport(report)
            if !published.suppression.contains(" 0 count(s)") { complemented += 1 }
            let truth = trueCounts(report)
            for (cell, text) in printedCounts(report) {
                guard let value = truth[cell] else { continue }
                switch text {
                case "<11": #expect((1...10).contains(value), "trial \(trial): \(cell) printed <11 but is \(value)")
                case PublishedCount.withheldWord: #expect(value >= 11, "trial \(trial): \(cell) withheld but is \(value)")
                default: #expect(text == String(value) && !(1...10).contains(value), "trial \(trial): \(cell) printed \(text), is \(value)")
                }
            }
            // The attacker is told the site's size to within 15 patients: stronger than the audit's model.
            let result = ExhaustiveAttacker(publishedFigures(report), cap: report.patients.read + 15).attack()
            #expect(result.consistent, "trial \(trial): the published figures contradict themselves")
            #expect(result.leaks.isEmpty, "trial \(trial): \(result.leaks)")
        }
        #expect(complemented > trials / 5, "the cohorts should exercise complementary suppression")
    }
}
