import Federation
import Foundation
import NIOCore
import NIOSSL
import X509

/// Decides, during the TLS handshake, whether a connecting client may in: only a current,
/// unrevoked site certificate issued by this consortium's CA. Every refusal is logged with
/// its reason; the client only sees a certificate_unknown alert, whatever the reason
/// (NIOSSL's verification callback cannot choose the alert), and a site agent stops after a
/// few in a row (`HandshakeRefusal`).
///
/// A revoked certificate is refused here rather than admitted and refused at its first call
/// (which would let the site read the reason): the calls' lapse check expels by site name, so
/// a stolen, revoked certificate that got through the handshake could expel the same site's
/// re-issued one.
public struct SiteAdmission: Sendable {
    public enum Verdict: Equatable, Sendable {
        case admitted(SiteID)
        case refused(String)
    }

    public let authority: Certificate
    public let consortium: String
    let revocations: RevocationWatch
    let log: EventLog

    public init(authority: Certificate, consortium: String, revocations: RevocationWatch, log: EventLog) {
        self.authority = authority
        self.consortium = consortium
        self.revocations = revocations
        self.log = log
    }

    /// Checks the peer's chain (leaf first; the leaf is all a site presents).
    public func verdict(on chain: [Certificate], now: Date = Date()) -> Verdict {
        guard let leaf = chain.first else { return .refused("no client certificate") }
        let subject = leaf.subject.commonName ?? leaf.subject.description
        guard leaf.issuer == authority.subject, authority.publicKey.isValidSignature(leaf.signature, for: leaf) else {
            return .refused("certificate '\(subject)' was not issued by the \(consortium) consortium CA (issuer: \(leaf.issuer))")
        }
        guard now >= leaf.notValidBefore else {
            return .refused("certificate '\(subject)' is not valid before \(Timestamp.format(leaf.notValidBefore))")
        }
        guard let identity = ParticipantIdentity(certificate: leaf), identity.consortium == consortium else {
            return .refused("certificate '\(subject)' names no site of consortium \(consortium)")
        }
        guard let site = identity.site else {
            return .refused("certificate '\(subject)' is the coordinator's, not a site's")
        }
        if let usage = try? leaf.extensions.extendedKeyUsage, !usage.contains(.clientAuth) {
            return .refused("certificate of site \(site) is not issued for client authentication")
        }
        if let lapse = lapse(of: leaf, site: site, now: now) { return .refused(lapse) }
        return .admitted(site)
    }

    /// Why a site certificate that passed the checks above no longer does (it expired, the CA
    /// expired, or it was revoked), nil while it stands. Connections last longer than their
    /// handshake, so the coordinator asks again on every call and heartbeat: revoking a site
    /// shuts it out of the study within a heartbeat, not at its next reconnect.
    public func lapse(of leaf: Certificate, site: SiteID, now: Date = Date()) -> String? {
        if now > leaf.notValidAfter {
            return "certificate of site \(site) expired on \(Timestamp.format(leaf.notValidAfter))"
        }
        if now > authority.notValidAfter {
            return "the consortium CA expired on \(Timestamp.format(authority.notValidAfter))"
        }
        if let revoked = revocations.current().revocation(of: leaf) {
            return "certificate of site \(site) (serial \(revoked.serial)) was revoked on \(Timestamp.format(revoked.revokedAt)): \(revoked.reason)"
        }
        return nil
    }

    /// Logs and returns the verdict.
    func check(_ chain: [Certificate], peer: String = "unknown") -> Verdict {
        let verdict = verdict(on: chain)
        switch verdict {
        case .admitted: break
        case .refused(let reason): log.warning("connection-refused", ["reason": reason, "serial": chain.first?.serialHex ?? "-"])
        }
        return verdict
    }
}

extension SiteAdmission {
    /// The TLS verification both of the coordinator's listeners (gRPC and the vector lane)
    /// install: the verdict above, the refusal reported to `events`.
    func verificationCallback(authority: NIOSSLCertificate, events: @escaping @Sendable (SiteConnectionEvent) -> Void)
        -> @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResultWithMetadata>) -> Void
    {
        { certificates, promise in
            let chain = certificates.compactMap { try? Certificate(derEncoded: $0.toDERBytes()) }
            switch check(chain) {
            case .admitted:
                promise.succeed(.certificateVerified(VerificationMetadata(ValidatedCertificateChain([certificates[0], authority]))))
            case .refused(let reason):
                events(SiteConnectionEvent(site: SiteID(chain.first?.subject.commonName ?? "?"), kind: .refused, detail: reason))
                promise.succeed(.failed)
            }
        }
    }
}
