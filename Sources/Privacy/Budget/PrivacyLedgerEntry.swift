import Foundation

/// One line of a site's privacy ledger: a DP round that was run, and the site's total ε after it.
///
/// `epsilon` is what the accountant said when the round was recorded, kept for audit; budgets
/// recompute the total from the mechanisms, which are the ground truth.
public struct PrivacyLedgerEntry: Sendable, Hashable, Codable {
    /// 1, 2, 3, … in file order; a gap or repeat means lines were removed or reordered.
    public let entry: Int
    public let study: String
    public let round: Int
    public let sampleRate: Double
    public let noiseMultiplier: Double
    public let steps: Int
    /// The site's cumulative ε, over every entry up to and including this one, at `delta`.
    public let epsilon: Double
    public let delta: Double
    /// The RDP order at which that ε was attained.
    public let order: Double
    public let recordedAt: Date

    public init(entry: Int, charge: PrivacyCharge, cumulative: PrivacySpent, recordedAt: Date) {
        self.entry = entry
        study = charge.study
        round = charge.round
        sampleRate = charge.mechanism.sampleRate
        noiseMultiplier = charge.mechanism.noiseMultiplier
        steps = charge.mechanism.steps
        epsilon = cumulative.epsilon
        delta = cumulative.delta
        order = cumulative.order
        self.recordedAt = recordedAt
    }

    private enum CodingKeys: String, CodingKey {
        case entry, study, round, sampleRate, noiseMultiplier, steps, epsilon, delta, order, recordedAt
    }

    /// Decoding validates the mechanism, so a hand-edited line cannot record σ = 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entry = try container.decode(Int.self, forKey: .entry)
        study = try container.decode(String.self, forKey: .study)
        round = try container.decode(Int.self, forKey: .round)
        sampleRate = try container.decode(Double.self, forKey: .sampleRate)
        noiseMultiplier = try container.decode(Double.self, forKey: .noiseMultiplier)
        steps = try container.decode(Int.self, forKey: .steps)
        epsilon = try container.decode(Double.self, forKey: .epsilon)
        delta = try container.decode(Double.self, forKey: .delta)
        order = try container.decode(Double.self, forKey: .order)
        recordedAt = try container.decode(Date.self, forKey: .recordedAt)
        _ = try SampledGaussianMechanism(sampleRate: sampleRate, noiseMultiplier: noiseMultiplier, steps: steps)
    }

    public var charge: PrivacyCharge {
        // Validated when the entry was made or decoded.
        PrivacyCharge(
            study: study, round: round,
            mechanism: try! SampledGaussianMechanism(sampleRate: sampleRate, noiseMultiplier: noiseMultiplier, steps: steps))
    }
}
