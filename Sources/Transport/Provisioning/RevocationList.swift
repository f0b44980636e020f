import Crypto
import Foundation
import X509

/// The consortium's list of revoked certificates, signed by the CA so the coordinator can
/// trust a copy that travelled by any means. The coordinator checks every connecting site
/// against it during the TLS handshake and reloads it when the file changes.
///
/// Format (`cohort-revocations/1`), human-readable:
/// ```
/// # cohort-revocations/1
/// # consortium: NAME
/// # issued_at: 2025-01-01T00:00:00Z
/// # sequence: 3
/// SERIAL<TAB>SITE<TAB>REVOKED_AT<TAB>REASON
/// signature: BASE64
/// ```
/// The signature (ECDSA P-256 with SHA-256, DER, base64) covers every byte before the
/// `signature:` line. The sequence grows by one with every list the CA signs (a list written
/// before sequences is sequence 0), so a coordinator can refuse a validly signed but older
/// list copied back over a newer one, which would re-admit the sites revoked since.
public struct RevocationList: Sendable, Equatable {
    public struct Entry: Hashable, Sendable {
        public var serial: String
        public var site: String
        public var revokedAt: Date
        public var reason: String
    }

    public static let format = "cohort-revocations/1"

    public var consortium: String
    public var issuedAt: Date
    /// 1 for the list `provision init` writes, one more for each list signed after it.
    public var sequence: Int
    public var entries: [Entry]

    public init(consortium: String, issuedAt: Date = Date(), sequence: Int = 1, entries: [Entry] = []) {
        self.consortium = consortium
        self.issuedAt = issuedAt
        self.sequence = sequence
        self.entries = entries
    }

    /// Whether this list was signed before `other` (a lower sequence, or the same sequence
    /// issued earlier).
    public func isOlder(than other: RevocationList) -> Bool {
        sequence < other.sequence || (sequence == other.sequence && issuedAt < other.issuedAt)
    }

    /// "sequence N issued at T", for messages.
    public var version: String { "sequence \(sequence) issued at \(Timestamp.format(issuedAt))" }

    /// The revocation entry for `certificate`, if it is revoked.
    public func revocation(of certificate: Certificate) -> Entry? {
        let serial = certificate.serialHex
        return entries.first { $0.serial == serial }
    }

    func body() -> String {
        var lines = [
            "# \(Self.format)", "# consortium: \(consortium)", "# issued_at: \(Timestamp.format(issuedAt))",
            "# sequence: \(sequence)"
        ]
        for entry in entries {
            let reason = entry.reason.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
            lines.append([entry.serial, entry.site, Timestamp.format(entry.revokedAt), reason].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The signed file's text.
    public func signedText(by authority: CertificateAuthority) throws -> String {
        guard authority.consortium == consortium else {
            throw ProvisioningError("a revocation list of consortium \(consortium) cannot be signed by the CA of \(authority.consortium)")
        }
        let body = body()
        let signature = try authority.signature(for: Data(body.utf8))
        return body + "signature: \(signature.base64EncodedString())\n"
    }

    /// Parses and verifies a signed list against the CA certificate.
    public static func verified(_ text: String, issuer: Certificate, source: String) throws -> RevocationList {
        guard let marker = text.range(of: "signature: ", options: .backwards),
            marker.lowerBound == text.startIndex || text[text.index(before: marker.lowerBound)] == "\n"
        else {
            throw ProvisioningError("revocation list \(source) is not signed (no 'signature:' line)")
        }
        let body = String(text[..<marker.lowerBound])
        let encoded = text[marker.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signatureBytes = Data(base64Encoded: encoded),
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: signatureBytes),
            let key = P256.Signing.PublicKey(issuer.publicKey)
        else {
            throw ProvisioningError("revocation list \(source) has a malformed signature")
        }
        guard key.isValidSignature(signature, for: Data(body.utf8)) else {
            throw ProvisioningError("revocation list \(source) is not signed by the consortium CA (altered, or from another CA)")
        }
        var consortium: String?
        var issuedAt: Date?
        var sequence = 0
        var entries: [Entry] = []
        for (index, line) in body.split(separator: "\n").enumerated() {
            if line.hasPrefix("# consortium: ") {
                consortium = String(line.dropFirst("# consortium: ".count))
            } else if line.hasPrefix("# issued_at: ") {
                issuedAt = Timestamp.parse(String(line.dropFirst("# issued_at: ".count)))
            } else if line.hasPrefix("# sequence: ") {
                guard let value = Int(line.dropFirst("# sequence: ".count)), value >= 0 else {
                    throw ProvisioningError("revocation list \(source):\(index + 1): the sequence must be a whole number, 0 or more")
                }
                sequence = value
            } else if line.hasPrefix("#") {
                if index == 0 && line != "# \(format)" {
                    throw ProvisioningError("revocation list \(source) is not in the \(format) format")
                }
            } else {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 4, let date = Timestamp.parse(fields[2]) else {
                    throw ProvisioningError("revocation list \(source):\(index + 1): expected serial, site, revoked_at, reason separated by tabs")
                }
                entries.append(Entry(serial: fields[0], site: fields[1], revokedAt: date, reason: fields[3]))
            }
        }
        guard let consortium, let issuedAt else {
            throw ProvisioningError("revocation list \(source) lacks its consortium or issued_at header")
        }
        return RevocationList(consortium: consortium, issuedAt: issuedAt, sequence: sequence, entries: entries)
    }

    public static func load(from url: URL, issuer: Certificate) throws -> RevocationList {
        try verified(try FileWriting.readText(url, what: "revocation list"), issuer: issuer, source: url.path)
    }
}
