import Crypto
import Foundation
import GRPCNIOTransportHTTP2
import X509

/// A participant's TLS material, loaded and checked before any connection is attempted:
/// the key matches the certificate, the certificate is current, was issued by the CA and
/// names a participant of its consortium. Each problem is one line naming the file.
public struct Credentials: Sendable {
    public let certificate: Certificate
    public let authority: Certificate
    public let identity: ParticipantIdentity
    let certificatePEM: String
    let keyPEM: String
    let authorityPEM: String

    public init(
        certificate certificateURL: URL, key keyURL: URL, authority authorityURL: URL,
        log: EventLog = .silent, now: Date = Date()
    ) throws {
        let certificate = try PEMFiles.certificate(at: certificateURL)
        let key = try PEMFiles.privateKey(at: keyURL)
        let authority = try PEMFiles.certificate(at: authorityURL, what: "CA certificate")
        if PEMFiles.isExposed(keyURL) {
            log.warning("key-readable-by-others", ["file": keyURL.path, "fix": "chmod 600 \(keyURL.path)"])
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw ProvisioningError("key \(keyURL.path) does not belong to certificate \(certificateURL.path)")
        }
        guard authority.notValidAfter > now else {
            throw ProvisioningError("CA certificate \(authorityURL.path) expired on \(Timestamp.format(authority.notValidAfter))")
        }
        guard certificate.notValidAfter > now else {
            throw ProvisioningError(
                "certificate \(certificateURL.path) expired on \(Timestamp.format(certificate.notValidAfter)); ask the consortium operator for a new one")
        }
        guard certificate.notValidBefore <= now else {
            throw ProvisioningError(
                "certificate \(certificateURL.path) is not valid before \(Timestamp.format(certificate.notValidBefore)); check this machine's clock")
        }
        guard certificate.issuer == authority.subject, authority.publicKey.isValidSignature(certificate.signature, for: certificate) else {
            throw ProvisioningError("certificate \(certificateURL.path) was not issued by the CA in \(authorityURL.path)")
        }
        guard let identity = ParticipantIdentity(certificate: certificate) else {
            throw ProvisioningError(
                "certificate \(certificateURL.path) carries no Cohort identity (a cohort://CONSORTIUM/... name); issue it with cohort provision")
        }
        self.certificate = certificate
        self.authority = authority
        self.identity = identity
        certificatePEM = try PEMFiles.text(of: certificate)
        keyPEM = PEMFiles.text(of: key)
        authorityPEM = try PEMFiles.text(of: authority)
    }

    /// Material taken as it is, unchecked: only for tests of what the coordinator does with
    /// certificates a careful site would never present (another CA's, an expired one).
    init(presenting certificateURL: URL, key keyURL: URL, trusting authorityURL: URL) throws {
        certificate = try PEMFiles.certificate(at: certificateURL)
        authority = try PEMFiles.certificate(at: authorityURL)
        identity = ParticipantIdentity(certificate: certificate) ?? .site("unknown", in: "unknown")
        certificatePEM = try PEMFiles.text(of: certificate)
        keyPEM = PEMFiles.text(of: try PEMFiles.privateKey(at: keyURL))
        authorityPEM = try PEMFiles.text(of: authority)
    }

    package var certificateSource: TLSConfig.CertificateSource { .bytes(Array(certificatePEM.utf8), format: .pem) }
    package var keySource: TLSConfig.PrivateKeySource { .bytes(Array(keyPEM.utf8), format: .pem) }
    package var authoritySource: TLSConfig.CertificateSource { .bytes(Array(authorityPEM.utf8), format: .pem) }
}
