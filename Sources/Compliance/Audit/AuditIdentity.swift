import Crypto
import Foundation

/// Who writes a trail: a name, a role and an Ed25519 public key, plus the fingerprint of the
/// participant's TLS certificate once deployment issues one. The trail's first entry records
/// all of it; a verifier that pins the key (or the fingerprint) trusts nothing the file says.
public struct AuditIdentity: Hashable, Sendable {
    public var name: String
    public var role: ParticipantRole
    public var publicKey: Curve25519.Signing.PublicKey
    /// SHA-256 of the participant's certificate (DER), normalized by `CertificateFingerprint`.
    public var certificateFingerprint: String?

    public init(name: String, role: ParticipantRole, publicKey: Curve25519.Signing.PublicKey, certificateFingerprint: String? = nil) {
        self.name = name
        self.role = role
        self.publicKey = publicKey
        self.certificateFingerprint = certificateFingerprint
    }

    /// The public key as 64 hex digits, as the trail records it.
    public var publicKeyHex: String { Hex.string(publicKey.rawRepresentation) }

    public static func == (lhs: AuditIdentity, rhs: AuditIdentity) -> Bool {
        lhs.name == rhs.name && lhs.role == rhs.role && lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
            && lhs.certificateFingerprint == rhs.certificateFingerprint
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(publicKey.rawRepresentation)
    }
}

/// A participant's identity with its private key: what appends to a trail.
public struct AuditSigner: Sendable {
    public let identity: AuditIdentity
    let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, role: ParticipantRole, privateKey: Curve25519.Signing.PrivateKey, certificateFingerprint: String? = nil) {
        self.privateKey = privateKey
        identity = AuditIdentity(name: name, role: role, publicKey: privateKey.publicKey, certificateFingerprint: certificateFingerprint)
    }

    /// Signs an entry's digest under the trail's domain.
    func sign(_ digest: SHA256.Digest) throws(AuditError) -> Data {
        do {
            return try privateKey.signature(for: AuditLineFormat.signedMessage(digest))
        } catch {
            throw .signingFailed("\(error)")
        }
    }
}
