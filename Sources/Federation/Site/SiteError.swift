/// Why a site refused or failed a request.
public enum SiteError: Error, Hashable, Sendable, CustomStringConvertible {
    case modelMismatch(site: SiteID, expected: Int, got: Int)
    case emptyTrainingSet(SiteID)
    case wrongStudy(site: SiteID, expected: String, got: String)
    case unavailable(SiteID)
    case failed(SiteID, reason: String)
    case privacyRefused(SiteID, reason: String)

    public var description: String {
        switch self {
        case .modelMismatch(let site, let expected, let got):
            "\(site): received \(got) parameters but its model has \(expected); the study's model and this site's data schema differ"
        case .emptyTrainingSet(let site): "\(site) has no training rows"
        case .wrongStudy(let site, let expected, let got): "\(site) belongs to study '\(expected)', not '\(got)'"
        case .unavailable(let site): "\(site) is not reachable"
        case .failed(let site, let reason): "\(site) failed: \(reason)"
        case .privacyRefused(let site, let reason): "\(site) refused the round: \(reason)"
        }
    }
}
