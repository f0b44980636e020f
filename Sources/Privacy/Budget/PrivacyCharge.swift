/// What one DP round costs a site: the mechanism it runs, and the study and round it is for.
///
/// For DP-SGD at the site: q = lot size / training records, σ = the noise multiplier, steps =
/// local steps in the round. The coordinator's DP-FedAvg noise is charged by the coordinator's
/// own accounting (site-level DP), not here.
public struct PrivacyCharge: Sendable, Hashable {
    public let study: String
    public let round: Int
    public let mechanism: SampledGaussianMechanism

    public init(study: String, round: Int, mechanism: SampledGaussianMechanism) {
        self.study = study
        self.round = round
        self.mechanism = mechanism
    }
}
