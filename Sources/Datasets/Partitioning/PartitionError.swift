/// Why a data set could not be divided among sites as asked.
public enum PartitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer rows than sites times the minimum per site.
    case tooFewExamples(rows: Int, sites: Int, minimumPerSite: Int)
    /// No draw within the attempt budget gave every site its minimum.
    case minimumNotReached(sites: Int, alpha: Double, minimumPerSite: Int, attempts: Int)
    /// A setting no partition can use (no sites, a concentration that is not a positive number...).
    case invalidSetting(key: String, reason: String)

    public var description: String {
        switch self {
        case .tooFewExamples(let rows, let sites, let minimum):
            "cannot give \(sites) sites \(minimum) examples each from \(rows) rows; use fewer sites or a lower minimum"
        case .invalidSetting(let key, let reason):
            "the partition's \(key) \(reason)"
        case .minimumNotReached(let sites, let alpha, let minimum, let attempts):
            "no Dirichlet(\(alpha)) draw in \(attempts) attempts gave all \(sites) sites \(minimum) examples; "
                + "raise alpha, lower the minimum per site, or use fewer sites"
        }
    }
}
