import Compliance
import Foundation
import FuzzSupport
import Transport

/// PEM text as provisioning and the audit tools read it: certificates, P-256 private keys and
/// signing requests (`PEMFiles`; a request that reads is signed by a consortium authority, as
/// `provision sign` does), revocation lists checked against the authority, and Ed25519 audit
/// keys (`AuditKeyFile`).
enum PEMTarget {
    static let authority: CertificateAuthority = {
        do { return try CertificateAuthority.create(consortium: "fuzz", days: 30) } catch { fatalError("authority: \(error)") }
    }()
    static let folder = Scratch.folder("pem")

    static func run(_ input: FuzzInput) {
        let file = Scratch.write(input.data, "input.pem", in: folder)
        let text = String(decoding: input.data, as: UTF8.self)
        // Each reader's refusal is an answer; only a trap or a sanitizer report is a finding.
        do { _ = try PEMFiles.certificate(at: file) } catch {}
        do { _ = try PEMFiles.privateKey(at: file) } catch {}
        do { _ = try authority.sign(try PEMFiles.signingRequest(at: file), days: 30) } catch {}
        do { _ = try RevocationList.verified(text, issuer: authority.certificate, source: "revoked.pem") } catch {}
        do { _ = try AuditKeyFile.readPublicKey(file.path) } catch {}
        do { _ = try AuditKeyFile.readPrivateKey(at: file.path) } catch {}
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    PEMTarget.run(FuzzInput(start, count))
    return 0
}
