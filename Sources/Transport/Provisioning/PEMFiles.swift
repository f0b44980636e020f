import Crypto
import Foundation
import SwiftASN1
import X509

/// Reads and writes the PEM files of certificates, keys and signing requests, naming the
/// file and the problem in every error.
public enum PEMFiles {
    public static func certificate(at url: URL, what: String = "certificate") throws -> Certificate {
        let text = try FileWriting.readText(url, what: what)
        do {
            return try Certificate(pemEncoded: text)
        } catch {
            throw ProvisioningError("\(what) \(url.path) is not a PEM certificate (-----BEGIN CERTIFICATE-----): \(error)")
        }
    }

    public static func privateKey(at url: URL, what: String = "private key") throws -> P256.Signing.PrivateKey {
        let text = try FileWriting.readText(url, what: what)
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: text)
        } catch {
            throw ProvisioningError("\(what) \(url.path) is not a PEM P-256 private key: \(error)")
        }
    }

    public static func signingRequest(at url: URL) throws -> CertificateSigningRequest {
        let text = try FileWriting.readText(url, what: "signing request")
        do {
            return try CertificateSigningRequest(pemEncoded: text)
        } catch {
            throw ProvisioningError("signing request \(url.path) is not a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----): \(error)")
        }
    }

    public static func text(of certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    public static func text(of request: CertificateSigningRequest) throws -> String {
        try request.serializeAsPEM().pemString + "\n"
    }

    public static func text(of key: P256.Signing.PrivateKey) -> String {
        key.pemRepresentation + "\n"
    }

    /// Whether anyone but the owner may read the file (a key should be 0600).
    public static func isExposed(_ url: URL) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let permissions = attributes[.posixPermissions] as? Int
        else { return false }
        return permissions & 0o077 != 0
    }
}

extension Certificate {
    /// The serial number as lowercase hex, as revocation lists and logs write it.
    public var serialHex: String {
        serialNumber.bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
