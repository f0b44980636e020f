/// Which mean and standard deviation a site's data is standardized with when loaded.
public enum Standardization: String, Hashable, Sendable, CaseIterable {
    /// None: the prepared values as they are.
    case none
    /// Each site's own train split (what a hospital can compute alone; FLamby's protocol).
    case siteTrain = "site"
    /// The statistics agreed across the federation, stored in the prepared file.
    case federated
}
