import Foundation
import GRPCCore
import NIOSSL
import X509

/// The coordinator's refusal of this site's certificate during the TLS handshake, known by
/// the TLS alert it sent.
///
/// The coordinator decides in NIOSSL's custom verification callback (`SiteAdmission`), and
/// NIOSSL gives that callback no say over the alert: BoringSSL answers every refusal
/// (revoked, expired, another consortium's, a coordinator's certificate) with
/// certificate_unknown. The coordinator logs the reason (`connection-refused reason=...`);
/// the site has only the alert, so `explanation` names what the site can check itself (its
/// certificate's and its CA's expiry) and otherwise the likely cause, revocation.
///
/// NIOSSL exposes BoringSSL's error only as text (`error:10000416:SSL routines:...`); a
/// received alert is reason 1000 + the alert's number in the SSL library's errors.
package struct HandshakeRefusal: Sendable, Equatable {
    /// The alert's number (RFC 8446 section 6.2).
    public let alert: UInt8

    /// The alerts by which a TLS peer refuses the certificate it was shown.
    static let certificateAlerts: [UInt8: String] = [
        42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
        46: "certificate_unknown", 48: "unknown_ca", 49: "access_denied", 116: "certificate_required"
    ]

    public var alertName: String { Self.certificateAlerts[alert] ?? "alert \(alert)" }

    /// The refusal in `error` (an RPC error caused by the TLS connection), nil when it is
    /// anything else: a coordinator that is down, a network fault, this site refusing the
    /// coordinator's certificate.
    public init?(_ error: any Error) {
        guard let alert = Self.receivedAlerts(in: error).first(where: { Self.certificateAlerts[$0] != nil }) else { return nil }
        self.alert = alert
    }

    /// Why the coordinator refused, as far as the site can tell, and the fix.
    public func explanation(attempts: Int, credentials: Credentials, now: Date = Date()) -> String {
        let certificate = credentials.certificate
        let cause: String
        if now > certificate.notValidAfter || alert == 45 {
            cause = "it expired on \(Timestamp.format(certificate.notValidAfter))"
        } else if now > credentials.authority.notValidAfter {
            cause = "the consortium CA expired on \(Timestamp.format(credentials.authority.notValidAfter))"
        } else if alert == 44 {
            cause = "it was revoked"
        } else {
            cause = "it was most likely revoked (cohort provision revoke), or this coordinator does not accept this consortium's site certificates"
        }
        return "the coordinator refused this site's certificate (\(credentials.identity), serial \(certificate.serialHex)) during the TLS handshake "
            + "\(attempts) times in a row (TLS alert \(alertName)): \(cause); ask the consortium operator for a new certificate "
            + "(the coordinator logs the reason as connection-refused with this serial)"
    }

    /// The alerts the peer sent, from the BoringSSL errors anywhere in `error`'s causes.
    private static func receivedAlerts(in error: any Error, depth: Int = 0) -> [UInt8] {
        guard depth < 8 else { return [] }
        switch error {
        case let rpc as RPCError:
            return rpc.cause.map { receivedAlerts(in: $0, depth: depth + 1) } ?? []
        // TLS 1.3: the site's side of the handshake is done when the coordinator checks its
        // certificate, so the alert arrives as a read error; TLS 1.2: the handshake fails.
        case BoringSSLError.sslError(let stack), NIOSSLError.handshakeFailed(.sslError(let stack)):
            return stack.compactMap { receivedAlert(in: "\($0)") }
        default:
            return []
        }
    }

    /// The alert of one BoringSSL error text, when it reports a received alert.
    static func receivedAlert(in text: String) -> UInt8? {
        guard let range = text.range(of: #"error:[0-9A-Fa-f]{8}:"#, options: .regularExpression),
            let code = UInt32(text[range].dropFirst(6).dropLast(), radix: 16)
        else { return nil }
        let library = code >> 24, reason = code & 0xFFF
        // ERR_LIB_SSL, and SSL_AD_REASON_OFFSET + alert.
        guard library == 16, (1000..<1256).contains(reason) else { return nil }
        return UInt8(reason - 1000)
    }
}
