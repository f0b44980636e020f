import Federation
import Foundation
import Testing

@testable import Privacy

/// The site's budget: check before a round, record after it, refuse what would overspend.
@Suite struct PrivacyBudgetTests {
    let site: SiteID = "hospital-a"
    let policy = try! PrivacyPolicy(maxEpsilon: 3, delta: 1e-5)
    let date = Date(timeIntervalSince1970: 1_800_000_000)

    func charge(_ round: Int, study: String = "heart", q: Double = 0.01, sigma: Double = 1.1, steps: Int = 500) throws -> PrivacyCharge {
        PrivacyCharge(study: study, round: round, mechanism: try SampledGaussianMechanism(sampleRate: q, noiseMultiplier: sigma, steps: steps))
    }

    @Test func recordsRoundsAndReadsThemBack() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new, now: date)
            #expect(await budget.spent.epsilon == 0)
            for round in 1...3 {
                #expect(await budget.canSpend(try charge(round)).isAllowed)
                try await budget.record(try charge(round), at: date)
            }
            let spent = await budget.spent.epsilon
            let expected = try RDPAccountant.epsilon(of: SampledGaussianMechanism(sampleRate: 0.01, noiseMultiplier: 1.1, steps: 1500), delta: 1e-5)
            #expect(abs(spent - expected.epsilon) < 1e-12, "three rounds of 500 steps are 1500 steps")

            let ledger = try PrivacyLedger.read(from: url)
            #expect(ledger.site == site)
            #expect(ledger.entries.map(\.entry) == [1, 2, 3])
            #expect(ledger.entries.map(\.round) == [1, 2, 3])
            #expect(ledger.entries.last?.epsilon == spent)
            #expect(ledger.entries.last?.recordedAt == date)

            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.hasSuffix("\n"))
            #expect(text.split(separator: "\n").count == 4, "a header and three entries")
            #expect(text.contains(#""noise_multiplier":1.1"#) && text.contains(#""sample_rate":0.01"#) && text.contains(#""study":"heart""#))
        }
    }

    @Test func reopeningComposesEverythingRecorded() async throws {
        try await withLedgerPath { url in
            do {
                let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
                try await budget.record(try charge(1))
                try await budget.record(try charge(1, study: "sepsis", q: 0.05, sigma: 2, steps: 100))
            }
            let reopened = try PrivacyBudget(site: site, policy: policy, ledger: url)
            var accountant = RDPAccountant()
            accountant.compose(try charge(1).mechanism)
            accountant.compose(try charge(1, study: "sepsis", q: 0.05, sigma: 2, steps: 100).mechanism)
            #expect(abs(await reopened.spent.epsilon - (try accountant.privacySpent(delta: 1e-5).epsilon)) < 1e-12)
        }
    }

    /// canSpend composes the ledger with the proposed round, refuses what would exceed the
    /// policy, says what would fit, and leaves the ledger byte for byte as it was.
    @Test func refusesARoundThatWouldOverspend() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            try await budget.record(try charge(1, steps: 2000))
            let before = try Data(contentsOf: url)
            let greedy = try charge(2, q: 0.05, sigma: 0.9, steps: 2000)
            let decision = await budget.canSpend(greedy)
            #expect(!decision.isAllowed)
            #expect(decision.after.epsilon > 3)
            #expect(decision.before.epsilon == (await budget.spent.epsilon))
            let expected = try RDPAccountant().composing(charge(1, steps: 2000).mechanism).composing(greedy.mechanism).privacySpent(delta: 1e-5)
            #expect(abs(decision.after.epsilon - expected.epsilon) < 1e-12)
            #expect(
                decision.coordinatorMessage.contains("hospital-a") && decision.coordinatorMessage.contains("round 2")
                    && decision.coordinatorMessage.contains("heart") && decision.coordinatorMessage.contains("declines"))
            #expect(decision.operatorMessage.contains("refused") && decision.operatorMessage.contains("noise multiplier of at least"))
            #expect(!decision.operatorMessage.contains("\n") && !decision.coordinatorMessage.contains("\n"))
            #expect(try Data(contentsOf: url) == before, "nothing appended for a refused round")

            let sigma = try #require(decision.noiseMultiplierThatFits)
            let fitting = try charge(2, q: 0.05, sigma: sigma, steps: 2000)
            let second = await budget.canSpend(fitting)
            #expect(second.isAllowed)
            #expect(second.after.epsilon <= 3)
        }
    }

    /// Privacy spent is recorded even past the policy (the results exist); then nothing fits.
    @Test func anOverspentBudgetRefusesEverything() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            try await budget.record(try charge(1, q: 0.2, sigma: 0.7, steps: 1000))
            #expect(await budget.spent.epsilon > 3)
            #expect(await budget.remainingEpsilon == 0)
            let decision = await budget.canSpend(try charge(2, q: 1e-4, sigma: 20, steps: 1))
            #expect(!decision.isAllowed)
            #expect(decision.noiseMultiplierThatFits == nil)
            #expect(decision.operatorMessage.contains("budget is spent"))
        }
    }

    @Test func aMissingLedgerIsNotAnEmptyOne() async throws {
        try await withLedgerPath { url in
            #expect(throws: PrivacyLedgerError.missing(path: url.path)) {
                try PrivacyBudget(site: site, policy: policy, ledger: url)
            }
            _ = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            #expect(throws: PrivacyLedgerError.alreadyExists(path: url.path)) {
                try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            }
        }
    }

    @Test func oneWriterAtATime() async throws {
        try await withLedgerPath { url in
            let first = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            #expect(throws: PrivacyLedgerError.inUse(path: url.path)) {
                try PrivacyBudget(site: site, policy: policy, ledger: url)
            }
            _ = first
        }
    }

    @Test func anotherSitesLedgerIsRefused() async throws {
        try await withLedgerPath { url in
            do { _ = try PrivacyBudget(site: "hospital-b", policy: policy, ledger: url, opening: .new) }
            #expect(throws: PrivacyLedgerError.wrongSite(path: url.path, expected: "hospital-a", found: "hospital-b")) {
                try PrivacyBudget(site: site, policy: policy, ledger: url)
            }
        }
    }

    /// Rounds recorded concurrently (two studies sharing the site's budget) all land, in one sequence.
    @Test func concurrentRecordsAreSerialized() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: site, policy: try PrivacyPolicy(maxEpsilon: 100, delta: 1e-5), ledger: url, opening: .new)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 1...20 {
                    group.addTask { try await budget.record(try charge(round, study: round.isMultiple(of: 2) ? "heart" : "sepsis", steps: 10)) }
                }
                try await group.waitForAll()
            }
            let entries = try PrivacyLedger.read(from: url).entries
            #expect(entries.map(\.entry) == Array(1...20))
            #expect(Set(entries.map(\.round)) == Set(1...20))
            #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.epsilon < $1.epsilon }, "the running ε only grows")
        }
    }

    /// Two studies reserving from one budget: the second sees the first's round before it is
    /// recorded, so together they cannot overspend; releasing gives the room back.
    @Test func reservationsCountAgainstLaterQuestions() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            let heart = try charge(1, study: "heart", steps: 2000)
            let sepsis = try charge(1, study: "sepsis", steps: 2000)
            let alone = await budget.canSpend(sepsis)
            #expect(alone.isAllowed, "either round fits alone")
            #expect(await budget.reserve(heart).isAllowed)
            let together = await budget.reserve(sepsis)
            #expect(!together.isAllowed, "but not both")
            #expect(together.before.epsilon > 0 && together.after.epsilon > 3)
            #expect(await budget.reservedCharges == [heart])
            #expect(try Data(contentsOf: url).split(separator: UInt8(ascii: "\n")).count == 1, "reserving writes nothing")

            await budget.release(heart)
            #expect(await budget.reservedCharges.isEmpty)
            #expect(await budget.reserve(sepsis).isAllowed)
            try await budget.record(sepsis)
            #expect(await budget.reservedCharges.isEmpty, "recording ends the reservation")
            #expect(!(await budget.canSpend(heart).isAllowed))
        }
    }

    @Test func reportListsRoundsWithCumulativeEpsilon() async throws {
        try await withLedgerPath { url in
            let budget = try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)
            try await budget.record(try charge(1))
            try await budget.record(try charge(1, study: "sepsis", q: 0.02, sigma: 1.5, steps: 200))
            try await budget.record(try charge(2))
            let report = await budget.report()
            #expect(report.site == site && report.maxEpsilon == 3 && report.delta == 1e-5)
            #expect(report.rounds.map(\.round) == [1, 1, 2])
            #expect(report.rounds(of: "heart").map(\.round) == [1, 2])
            #expect(zip(report.rounds, report.rounds.dropFirst()).allSatisfy { $0.epsilon < $1.epsilon })
            #expect(report.epsilon == report.rounds.last?.epsilon)
            #expect(abs(report.remainingEpsilon - (3 - report.epsilon)) < 1e-15)
            // The report computed from the file alone agrees with the budget's.
            #expect(PrivacyReport(ledger: try PrivacyLedger.read(from: url), policy: policy) == report)
            let encoded = try JSONEncoder().encode(report)
            #expect(try JSONDecoder().decode(PrivacyReport.self, from: encoded) == report)
        }
    }

    @Test func emptyLedgerReportsZero() async throws {
        try await withLedgerPath { url in
            let report = await (try PrivacyBudget(site: site, policy: policy, ledger: url, opening: .new)).report()
            #expect(report.rounds.isEmpty && report.epsilon == 0 && report.remainingEpsilon == 3)
        }
    }
}
