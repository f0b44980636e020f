import Federation
import Studies
import X509

/// Who a certificate speaks for: the consortium's coordinator, or one named site.
///
/// The identity is written into the certificate's subject alternative names as a URI,
/// `cohort://CONSORTIUM/site/NAME` or `cohort://CONSORTIUM/coordinator`, and read back from
/// the verified peer certificate at the coordinator. It is never taken from a message field,
/// so a site cannot speak for another without holding that site's private key.
public struct ParticipantIdentity: Hashable, Sendable, CustomStringConvertible {
    public enum Role: Hashable, Sendable {
        case coordinator
        case site(SiteID)
    }

    public var consortium: String
    public var role: Role

    public init(consortium: String, role: Role) {
        self.consortium = consortium
        self.role = role
    }

    public static func site(_ name: String, in consortium: String) -> ParticipantIdentity {
        ParticipantIdentity(consortium: consortium, role: .site(SiteID(name)))
    }

    public static func coordinator(of consortium: String) -> ParticipantIdentity {
        ParticipantIdentity(consortium: consortium, role: .coordinator)
    }

    public static let scheme = "cohort"

    /// The URI written into the certificate.
    public var uri: String {
        switch role {
        case .coordinator: "\(Self.scheme)://\(consortium)/coordinator"
        case .site(let site): "\(Self.scheme)://\(consortium)/site/\(site.name)"
        }
    }

    /// The name in the certificate's subject (common name).
    public var commonName: String {
        switch role {
        case .coordinator: "coordinator"
        case .site(let site): site.name
        }
    }

    public var site: SiteID? {
        if case .site(let site) = role { return site }
        return nil
    }

    public var description: String {
        switch role {
        case .coordinator: "coordinator of \(consortium)"
        case .site(let site): "site \(site.name) of \(consortium)"
        }
    }

    /// Parses the identity URI; nil if `uri` is not one of Cohort's.
    public init?(uri: String) {
        let prefix = "\(Self.scheme)://"
        guard uri.hasPrefix(prefix) else { return nil }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let consortium = parts.first, Naming.isValid(consortium) else { return nil }
        switch parts.count {
        case 2 where parts[1] == "coordinator":
            self.init(consortium: consortium, role: .coordinator)
        case 3 where parts[1] == "site" && Naming.isValid(parts[2]):
            self.init(consortium: consortium, role: .site(SiteID(parts[2])))
        default:
            return nil
        }
    }

    /// The identity a certificate carries, if it carries exactly one.
    public init?(certificate: Certificate) {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        let identities = names.compactMap { name -> ParticipantIdentity? in
            if case .uniformResourceIdentifier(let uri) = name { return ParticipantIdentity(uri: uri) }
            return nil
        }
        guard identities.count == 1 else { return nil }
        self = identities[0]
    }

    /// The site a verified client certificate names in `consortium` (nil: it names none).
    static func site(certifiedBy certificate: Certificate, in consortium: String) -> SiteID? {
        guard let identity = ParticipantIdentity(certificate: certificate), identity.consortium == consortium else { return nil }
        return identity.site
    }
}
