import Federation
import Foundation

/// A site's privacy budget: its policy, its ledger on disk, and the ε the ledger adds up to.
///
/// The site agent asks before every DP round and records every round it runs:
///
///     let decision = await budget.reserve(charge)     // or canSpend, to only ask
///     guard decision.isAllowed else { /* decline the round: decision.coordinatorMessage */ }
///     // … train with DP-SGD, producing the noised update (on failure: release(charge)) …
///     try await budget.record(charge)
///     // … send the update …
///
/// An actor because it owns the ledger file (held open and locked) and because a site runs
/// one budget for all its studies: their rounds must compose into one total, in one order.
/// Reserving matters there: two studies that each ask `canSpend` and then train could each
/// fit alone and overspend together; a reserved round counts against every later question
/// until it is recorded or released.
public actor PrivacyBudget {
    public nonisolated let site: SiteID
    public nonisolated let policy: PrivacyPolicy
    public nonisolated let method: AccountingMethod
    private let file: LedgerFile
    private var entries: [PrivacyLedgerEntry]
    private var running: RunningEpsilon
    /// Rounds allowed by `reserve` and not yet recorded or released.
    private var reserved: [PrivacyCharge] = []

    /// How to find the site's ledger.
    public enum LedgerOpening: Sendable {
        /// The ledger must exist (the usual case: a missing ledger is an error, never a fresh
        /// budget, or deleting a file would reset a site's privacy loss).
        case existing
        /// Creates the ledger; it must not exist yet. For a site's first DP study.
        case new
    }

    /// Opens (or creates) the ledger at `url`, locks it, reads and checks every line, and
    /// composes what it records.
    public init(
        site: SiteID, policy: PrivacyPolicy, ledger url: URL, opening: LedgerOpening = .existing,
        method: AccountingMethod = .dpAccounting, now: Date = Date()
    ) throws(PrivacyLedgerError) {
        let ledger: PrivacyLedger
        switch opening {
        case .existing:
            let (file, contents) = try LedgerFile.open(url.path)
            ledger = try PrivacyLedger(parsing: contents, path: url.path)
            guard ledger.site == site else {
                throw .wrongSite(path: url.path, expected: site.name, found: ledger.site.name)
            }
            self.file = file
        case .new:
            let header = PrivacyLedgerHeader(site: site, createdAt: now)
            file = try LedgerFile.create(url.path, firstLine: LedgerLineCodec.line(header))
            ledger = PrivacyLedger(site: site, createdAt: now, entries: [])
        }
        self.site = site
        self.policy = policy
        self.method = method
        entries = ledger.entries
        running = RunningEpsilon(delta: policy.delta, method: method)
        for entry in ledger.entries { running.add(entry.charge.mechanism) }
    }

    /// ε spent so far at the policy's δ, over every recorded round.
    public var spent: PrivacySpent { running.current }

    /// The policy's ε minus what is spent; zero when spent (or overspent).
    public var remainingEpsilon: Double { max(0, policy.maxEpsilon - running.current.epsilon) }

    /// Rounds reserved and not yet recorded or released.
    public var reservedCharges: [PrivacyCharge] { reserved }

    /// Whether the site may run `charge`: ε after it, composed with everything recorded and
    /// reserved, must not exceed the policy. Changes nothing, so a refused round leaves no
    /// trace in the ledger.
    public func canSpend(_ charge: PrivacyCharge) -> SpendDecision {
        // This round's own reservation, if any, is the round being asked about: not counted twice.
        let committed = reserved.filter { $0.study != charge.study || $0.round != charge.round }.map(\.mechanism)
        let before = running.spent(adding: committed)
        let after = running.spent(adding: committed + [charge.mechanism])
        var fits: Double?
        if after.epsilon > policy.maxEpsilon {
            fits = try? NoiseCalibration(
                epsilon: policy.maxEpsilon, delta: policy.delta,
                sampleRate: charge.mechanism.sampleRate, steps: charge.mechanism.steps,
                after: running.accountant(adding: committed)
            ).noiseMultiplier
        }
        return SpendDecision(
            site: site, charge: charge, policy: policy, before: before, after: after,
            noiseMultiplierThatFits: fits)
    }

    /// `canSpend`, and when allowed, holds the round against the budget until `record` or
    /// `release`, so concurrent studies cannot both fit into the same remainder. A round is
    /// its study and number: reserving the same one again (a retry) replaces its reservation.
    public func reserve(_ charge: PrivacyCharge) -> SpendDecision {
        release(charge)
        let decision = canSpend(charge)
        if decision.isAllowed { reserved.append(charge) }
        return decision
    }

    /// Gives back the reservation of `charge`'s study and round, for a round that released
    /// nothing (training failed or was cancelled before any noised result existed). Does
    /// nothing if that round holds no reservation.
    public func release(_ charge: PrivacyCharge) {
        reserved.removeAll { $0.study == charge.study && $0.round == charge.round }
    }

    /// Appends `charge` to the ledger, with the site's cumulative ε after it, durably (fsync)
    /// before returning, and ends the reservation of its study and round, if any.
    ///
    /// Records unconditionally: once noised results exist, their privacy is spent whether or
    /// not the policy allowed it, and the ledger must say so (`canSpend` is the gate). Call it
    /// after training and before the update leaves the site: a crash between the two then
    /// over-counts a round that was never sent, instead of forgetting one that was.
    @discardableResult
    public func record(_ charge: PrivacyCharge, at date: Date = Date()) throws(PrivacyLedgerError) -> PrivacyLedgerEntry {
        let after = running.spent(adding: [charge.mechanism])
        // Whole seconds: what ISO 8601 in the file keeps, so memory and disk agree.
        let second = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let entry = PrivacyLedgerEntry(entry: entries.count + 1, charge: charge, cumulative: after, recordedAt: second)
        try file.append(LedgerLineCodec.line(entry))
        entries.append(entry)
        running.add(charge.mechanism)
        release(charge)
        return entry
    }

    /// Every recorded round with the site's cumulative ε after it.
    public func report() -> PrivacyReport {
        PrivacyReport(site: site, policy: policy, entries: entries, cumulative: running.history)
    }
}
