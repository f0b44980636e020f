import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ed25519 keys on disk in the standard PEM encodings (PKCS#8 "PRIVATE KEY" and
/// SubjectPublicKeyInfo "PUBLIC KEY", RFC 8410), so `openssl pkey` reads them too.
///
/// A private key file is created with mode 0600 and refused if group or others can read
/// it: an audit key that anyone on the machine can read proves nothing.
public enum AuditKeyFile {
    /// DER of PKCS#8 for Ed25519 up to the 32 key bytes (RFC 8410 section 7).
    private static let privatePrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    /// DER of SubjectPublicKeyInfo for Ed25519 up to the 32 key bytes.
    private static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Generates a key pair and writes `path` (private, 0600) and `path.pub` (public, 0644).
    /// Refuses to overwrite an existing key: a replaced key orphans every trail it signed.
    @discardableResult
    public static func generate(at path: String) throws(AuditError) -> Curve25519.Signing.PrivateKey {
        let key = Curve25519.Signing.PrivateKey()
        try store(pem(label: "PRIVATE KEY", der: privatePrefix + Array(key.rawRepresentation)), to: path, mode: 0o600)
        try store(publicPEM(key.publicKey), to: path + ".pub", mode: 0o644)
        return key
    }

    /// Reads a private key, refusing one that group or others may read.
    public static func readPrivateKey(at path: String) throws(AuditError) -> Curve25519.Signing.PrivateKey {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .keyUnreadable(path: path, reason: String(cString: strerror(errno))) }
        guard status.st_mode & 0o077 == 0 else {
            throw .keyUnreadable(
                path: path, reason: "its permissions are \(String(status.st_mode & 0o777, radix: 8)); a private key must be 0600 (chmod 600 \(path))")
        }
        let bytes = try derBytes(at: path, label: "PRIVATE KEY")
        guard bytes.count == privatePrefix.count + 32, Array(bytes.prefix(privatePrefix.count)) == privatePrefix else {
            throw .keyUnreadable(path: path, reason: "not an Ed25519 PKCS#8 private key")
        }
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: bytes.suffix(32))
        } catch {
            throw .keyUnreadable(path: path, reason: "\(error)")
        }
    }

    /// Reads a public key: a PEM file, or 64 hex digits (in a file or given directly).
    public static func readPublicKey(_ pathOrHex: String) throws(AuditError) -> Curve25519.Signing.PublicKey {
        if pathOrHex.count == 64, let raw = Hex.bytes(pathOrHex.lowercased()) {
            return try publicKey(raw: raw, source: "the hex key")
        }
        guard let text = try? String(contentsOfFile: pathOrHex, encoding: .utf8) else {
            throw .keyUnreadable(path: pathOrHex, reason: "no such file, and not 64 hex digits")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let raw = Hex.bytes(trimmed.lowercased()) { return try publicKey(raw: raw, source: pathOrHex) }
        let bytes = try derBytes(text: text, path: pathOrHex, label: "PUBLIC KEY")
        guard bytes.count == publicPrefix.count + 32, Array(bytes.prefix(publicPrefix.count)) == publicPrefix else {
            throw .keyUnreadable(path: pathOrHex, reason: "not an Ed25519 public key")
        }
        return try publicKey(raw: Array(bytes.suffix(32)), source: pathOrHex)
    }

    public static func publicPEM(_ key: Curve25519.Signing.PublicKey) -> String {
        pem(label: "PUBLIC KEY", der: publicPrefix + Array(key.rawRepresentation))
    }

    private static func publicKey(raw: [UInt8], source: String) throws(AuditError) -> Curve25519.Signing.PublicKey {
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch {
            throw .keyUnreadable(path: source, reason: "\(error)")
        }
    }

    private static func pem(label: String, der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n\(Data(der).base64EncodedString())\n-----END \(label)-----\n"
    }

    private static func derBytes(at path: String, label: String) throws(AuditError) -> [UInt8] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .keyUnreadable(path: path, reason: "cannot read the file")
        }
        return try derBytes(text: text, path: path, label: label)
    }

    private static func derBytes(text: String, path: String, label: String) throws(AuditError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            throw .keyUnreadable(path: path, reason: "no '\(begin)' block")
        }
        let base64 = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(base64)) else { throw .keyUnreadable(path: path, reason: "the PEM body is not base64") }
        return Array(data)
    }

    private static func store(_ text: String, to path: String, mode: mode_t) throws(AuditError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw .keyExists(path: path) }
            throw .keyUnreadable(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw .keyUnreadable(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
    }
}
