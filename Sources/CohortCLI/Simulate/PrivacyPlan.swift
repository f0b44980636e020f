import Federation
import Foundation
import Privacy
import Studies

/// The privacy options of `cohort simulate` resolved and checked: DP-SGD at the sites (a
/// target epsilon each site calibrates to, or a fixed noise multiplier), each site's budget
/// policy and ledger, and DP-FedAvg on the coordinator.
struct PrivacyPlan {
    var local: LocalPrivacy?
    var policy: PrivacyPolicy?
    var centralNoise: Double?
    var delta: Double
    var rounds: Int
    var siteFraction: Double

    /// With DP-SGD but no --privacy-budget, the policy allows the study's own target (or,
    /// for a fixed noise multiplier, is effectively unlimited) so the ledger still records.
    static let unlimitedEpsilon = 1e6

    init(study: ResolvedStudy, privacyBudget: Double?) throws {
        delta = study.delta
        rounds = study.rounds
        siteFraction = study.configuration.selection.fraction
        local = study.localPrivacy
        centralNoise = study.centralNoise
        if let local {
            var allowed = privacyBudget ?? PrivacyPlan.unlimitedEpsilon
            if privacyBudget == nil, case .targetEpsilon(let epsilon, _) = local.noise { allowed = epsilon * (1 + 1e-6) }
            do { policy = try PrivacyPolicy(maxEpsilon: allowed, delta: delta) } catch { throw CohortError("--privacy-budget: \(error)") }
        } else if privacyBudget != nil {
            throw CohortError("--privacy-budget applies to DP-SGD studies: add --dp-epsilon or --dp-noise")
        }
    }

    /// Where a site's ledger lives in `folder`.
    static func ledgerFile(for site: SiteID, in folder: URL) -> URL {
        folder.appendingPathComponent("\(site.name).privacy-ledger.jsonl")
    }

    /// One budget (policy + ledger file) per site, and the folder holding the ledgers.
    func makeBudgets(for sites: [SiteID], directory: String?) throws -> (budgets: [SiteID: PrivacyBudget], folder: URL?) {
        guard let policy, local != nil else { return ([:], nil) }
        let folder =
            directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "cohort-ledgers-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64(Date().timeIntervalSince1970 * 1000))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CohortError("cannot create the ledger folder \(folder.path): \(error.localizedDescription)")
        }
        var budgets: [SiteID: PrivacyBudget] = [:]
        for site in sites {
            let file = PrivacyPlan.ledgerFile(for: site, in: folder)
            let opening: PrivacyBudget.LedgerOpening = FileManager.default.fileExists(atPath: file.path) ? .existing : .new
            do {
                budgets[site] = try PrivacyBudget(site: site, policy: policy, ledger: file, opening: opening)
            } catch {
                throw CohortError("\(error)")
            }
        }
        return (budgets, folder)
    }

    /// What the study spent: each site's epsilon from its ledger, and the coordinator's
    /// user-level epsilon under DP-FedAvg.
    func summary(budgets: [SiteID: PrivacyBudget], folder: URL?) async throws -> RunReport.PrivacySummary? {
        guard local != nil || centralNoise != nil else { return nil }
        var perSite: [RunReport.PrivacySummary.Site] = []
        for (site, budget) in budgets.sorted(by: { $0.key < $1.key }) {
            let report = await budget.report()
            perSite.append(
                .init(
                    name: site.name, epsilon: report.epsilon, maxEpsilon: report.maxEpsilon,
                    roundsCharged: report.rounds.count,
                    ledger: folder.map { PrivacyPlan.ledgerFile(for: site, in: $0).path }))
        }
        return RunReport.PrivacySummary(delta: delta, sites: perSite, centralNoiseMultiplier: centralNoise, centralEpsilon: try centralEpsilon())
    }

    /// DP-FedAvg's user-level epsilon over the study (nil without central noise).
    func centralEpsilon() throws -> Double? {
        guard let z = centralNoise, z > 0 else { return nil }
        let mechanism = try SampledGaussianMechanism(sampleRate: siteFraction, noiseMultiplier: z, steps: rounds)
        return try RDPAccountant.epsilon(of: mechanism, delta: delta).epsilon
    }
}
