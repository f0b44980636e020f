import Crypto
import Foundation
import Studies
import SwiftASN1
import X509

/// A consortium's certificate authority: a P-256 key and a self-signed CA certificate. It
/// issues one certificate per participant; adding a site later signs one more certificate
/// and touches no one else's, because every participant trusts the CA, not a list of peers.
public struct CertificateAuthority: Sendable {
    public let consortium: String
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey

    /// How far back a new certificate's validity starts, so a peer whose clock is a little
    /// behind still accepts it.
    static let clockSkewAllowance: TimeInterval = 300

    init(consortium: String, certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.consortium = consortium
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Certificates, the CA's included, are valid for 1 to 3650 days (ten years): longer would
    /// outlive any study, and a far date (`--days 9223372036854775807`) cannot be encoded at all.
    public static let validityDays = 1...3650

    /// `days` as seconds, or the refusal naming `--days` and its range.
    static func validity(days: Int) throws -> TimeInterval {
        guard validityDays.contains(days) else {
            throw ProvisioningError("--days must be between \(validityDays.lowerBound) and \(validityDays.upperBound) (ten years), got \(days)")
        }
        return TimeInterval(days) * 86_400
    }

    /// A new CA for `consortium`, valid for `days`.
    public static func create(consortium: String, days: Int, now: Date = Date()) throws -> CertificateAuthority {
        guard Naming.isValid(consortium) else {
            throw ProvisioningError("consortium name '\(consortium)' is not valid: \(Naming.rule)")
        }
        let lifetime = try validity(days: days)
        let key = P256.Signing.PrivateKey()
        let signingKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            OrganizationName(consortium)
            CommonName("\(consortium) consortium CA")
        }
        let publicKey = signingKey.publicKey
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-clockSkewAllowance),
            notValidAfter: now.addingTimeInterval(lifetime),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
                SubjectAlternativeNames([.uniformResourceIdentifier("\(ParticipantIdentity.scheme)://\(consortium)")])
            },
            issuerPrivateKey: signingKey)
        return CertificateAuthority(consortium: consortium, certificate: certificate, privateKey: key)
    }

    /// Issues a certificate binding `publicKey` to `identity`. The coordinator's also names
    /// the hosts sites dial (DNS names or IP addresses), for TLS hostname verification.
    public func issue(
        for publicKey: Certificate.PublicKey, identity: ParticipantIdentity, hosts: [String] = [],
        days: Int, now: Date = Date()
    ) throws -> Certificate {
        guard identity.consortium == consortium else {
            throw ProvisioningError("cannot issue a certificate for \(identity): this CA belongs to consortium \(consortium)")
        }
        let lifetime = try Self.validity(days: days)
        let subject = try DistinguishedName {
            OrganizationName(consortium)
            OrganizationalUnitName(identity.site == nil ? "coordinator" : "site")
            CommonName(identity.commonName)
        }
        var names: [GeneralName] = [.uniformResourceIdentifier(identity.uri)]
        for host in hosts {
            if let address = IPAddressBytes(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: address.bytes[...])))
            } else {
                names.append(.dnsName(host))
            }
        }
        let purpose: ExtendedKeyUsage.Usage = identity.site == nil ? .serverAuth : .clientAuth
        let notAfter = min(now.addingTimeInterval(lifetime), certificate.notValidAfter)
        let authorityKey = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-Self.clockSkewAllowance), notValidAfter: notAfter,
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([purpose])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKey)
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: Certificate.PrivateKey(privateKey))
    }

    /// Signs a site's certificate signing request. The site's name is the request's common
    /// name; everything else in the certificate is the CA's choice, whatever the request asks.
    /// The request's signature proves the site holds the private key, which never left it.
    public func sign(_ request: CertificateSigningRequest, days: Int, now: Date = Date()) throws -> (Certificate, ParticipantIdentity) {
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw ProvisioningError("the signing request's signature does not verify: it was altered or not made with the key it carries")
        }
        guard let name = request.subject.commonName else {
            throw ProvisioningError("the signing request names no site (no common name in its subject)")
        }
        guard Naming.isValid(name), name != "coordinator" else {
            throw ProvisioningError("the signing request's site name '\(name)' is not valid: \(Naming.rule), and not 'coordinator'")
        }
        let identity = ParticipantIdentity.site(name, in: consortium)
        return (try issue(for: request.publicKey, identity: identity, days: days, now: now), identity)
    }

    /// Signs arbitrary bytes with the CA key (ECDSA P-256, SHA-256): the revocation list.
    func signature(for bytes: some DataProtocol) throws -> Data {
        try privateKey.signature(for: bytes).derRepresentation
    }
}

extension DistinguishedName {
    /// The first common name, if any.
    public var commonName: String? {
        for rdn in self {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value)
            }
        }
        return nil
    }
}

/// An IPv4 or IPv6 address literal as network-order bytes, for an IP-address SAN.
struct IPAddressBytes {
    var bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }
}
