import Federation
import Learning

/// The four hospitals of Fed-Heart-Disease, ready for training.
///
/// Two standardizations of the same rows are kept because FLamby's comparison needs both:
/// federated and local runs see each site standardized by its own train split (what a hospital
/// can compute alone), while the pooled baseline and the "pooled test" see everything
/// standardized by the pooled train split (what a central data warehouse would compute).
public struct HeartDiseaseData: Sendable, Hashable {
    /// Cleveland, Hungarian, Switzerland, VA (FLamby centers 0-3), each standardized with the
    /// mean and standard deviation of its own train split.
    public var sites: [SiteData]
    /// The same rows in the same order, standardized with the pooled-train statistics.
    public var pooledStandardized: [SiteData]
    /// The statistics used for `sites`, one per site.
    public var siteStatistics: [FeatureStatistics]
    /// The statistics used for `pooledStandardized`.
    public var pooledStatistics: FeatureStatistics
    /// The 13 encoded feature names, e.g. "age", ..., "cp=2.0", ..., "restecg=2.0".
    public var featureNames: [String]

    public init(
        sites: [SiteData], pooledStandardized: [SiteData],
        siteStatistics: [FeatureStatistics], pooledStatistics: FeatureStatistics,
        featureNames: [String]
    ) {
        self.sites = sites
        self.pooledStandardized = pooledStandardized
        self.siteStatistics = siteStatistics
        self.pooledStatistics = pooledStatistics
        self.featureNames = featureNames
    }

    /// All train rows (486 with FLamby's split), pooled-standardized: the centralized baseline's data.
    public var pooledTrain: Dataset { Dataset.concatenating(pooledStandardized.map(\.train)) }

    /// All test rows (254 with FLamby's split), pooled-standardized: FLamby's "pooled test".
    public var pooledTest: Dataset { Dataset.concatenating(pooledStandardized.map(\.test)) }
}
