import Crypto
import Foundation

@testable import Compliance

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func text(_ name: String) -> String { try! String(contentsOf: url(name), encoding: .utf8) }
}

extension AuditSigner {
    static func make(_ name: String = "site-a", role: ParticipantRole = .site) -> AuditSigner {
        AuditSigner(name: name, role: role, privateKey: Curve25519.Signing.PrivateKey())
    }
}

/// A trail of `count` entries after its start: rounds started and updates sent, alternating.
func writeTrail(at url: URL, signer: AuditSigner, count: Int) throws -> AuditTrail {
    let trail = try AuditTrail.create(at: url, signer: signer, durability: .unsynced)
    for index in 0..<count {
        if index % 2 == 0 {
            try trail.append(.roundStarted(study: "s1", round: index / 2 + 1, participants: ["site-a", "site-b"]))
        } else {
            try trail.append(
                .updateSent(
                    SentUpdate(
                        study: "s1", round: index / 2 + 1, site: "site-a", rows: 120, bytes: 56,
                        payloadSHA256: String(repeating: "0f", count: 32), secureAggregation: false,
                        privacy: UpdatePrivacy(noiseMultiplier: 1.1, samplingRate: 0.05, steps: 10, epsilonAfter: 0.5))))
        }
    }
    try trail.sync()
    return trail
}

/// The trail's lines (newline-terminated file).
func lines(of url: URL) -> [String] {
    try! String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

func write(_ lines: [String], to url: URL) {
    try! Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
}

func verify(_ url: URL, key: AuditSigner? = nil, anchor: AuditAnchor? = nil, signatures: AuditVerifier.SignatureCheck = .head) -> AuditVerification {
    try! AuditVerifier(trustedKey: key?.identity.publicKey, signatures: signatures, anchor: anchor).verify(at: url)
}
