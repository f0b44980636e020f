import Crypto
import Foundation

/// The symmetric keys of a round, all derived with HKDF-SHA256 (RFC 5869) from an X25519
/// agreement or a secret seed, with the study, round, purpose and both parties in the info, so
/// a key serves exactly one purpose in one round between one pair of clients.
enum SecAggKeys {
    static let salt = Array("cohort.secagg.v1".utf8)

    /// The AES-GCM key that encrypts the shares client `a` sends `b` and `b` sends `a`
    /// (from the encryption key pairs).
    static func shareEncryptionKey(
        own: Curve25519.KeyAgreement.PrivateKey, ownIndex: UInt32,
        peer: Curve25519.KeyAgreement.PublicKey, peerIndex: UInt32,
        round: SecAggRound
    ) throws(SecAggError) -> SymmetricKey {
        try agreedKey("share-encryption", own: own, ownIndex: ownIndex, peer: peer, peerIndex: peerIndex, round: round)
    }

    /// The 256-bit key of the pairwise mask between two clients (from the masking key pairs):
    /// the AES-CTR key of the mask stream, used in full, never truncated to a shorter seed.
    static func pairwiseMaskKey(
        own: Curve25519.KeyAgreement.PrivateKey, ownIndex: UInt32,
        peer: Curve25519.KeyAgreement.PublicKey, peerIndex: UInt32,
        round: SecAggRound
    ) throws(SecAggError) -> SymmetricKey {
        try agreedKey("pairwise-mask", own: own, ownIndex: ownIndex, peer: peer, peerIndex: peerIndex, round: round)
    }

    /// The key of a client's self mask, from its 32-byte seed b_u.
    static func selfMaskKey(seed: [UInt8], owner: UInt32, round: SecAggRound) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: seed), salt: salt,
            info: info("self-mask", round: round, indices: [owner]), outputByteCount: 32)
    }

    /// SHA-256 commitment to a self-mask seed: sent with the shares, checked by the coordinator
    /// after reconstruction, so inconsistent shares abort the round instead of corrupting the sum.
    static func seedCommitment(seed: [UInt8], owner: UInt32, round: SecAggRound) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(bytes: info("seed-commitment", round: round, indices: [owner]))
        writer.write(bytes: seed)
        return Array(SHA256.hash(data: writer.bytes))
    }

    private static func agreedKey(
        _ purpose: String, own: Curve25519.KeyAgreement.PrivateKey, ownIndex: UInt32,
        peer: Curve25519.KeyAgreement.PublicKey, peerIndex: UInt32,
        round: SecAggRound
    ) throws(SecAggError) -> SymmetricKey {
        let shared: SharedSecret
        do { shared = try own.sharedSecretFromKeyAgreement(with: peer) } catch {
            throw .malformed("key agreement with participant \(peerIndex) failed: \(error)")
        }
        // A low-order public key makes the shared secret all zeros, known to everyone.
        let degenerate = shared.withUnsafeBytes { $0.allSatisfy { $0 == 0 } }
        guard !degenerate else { throw .malformed("participant \(peerIndex) advertised a low-order public key") }
        let ownPublic = Array(own.publicKey.rawRepresentation)
        let peerPublic = Array(peer.rawRepresentation)
        let (low, high) = ownIndex < peerIndex ? (ownPublic, peerPublic) : (peerPublic, ownPublic)
        var infoWriter = ByteWriter()
        infoWriter.write(bytes: info(purpose, round: round, indices: [min(ownIndex, peerIndex), max(ownIndex, peerIndex)]))
        infoWriter.write(bytes: low)
        infoWriter.write(bytes: high)
        return shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: salt, sharedInfo: infoWriter.bytes, outputByteCount: 32)
    }

    private static func info(_ purpose: String, round: SecAggRound, indices: [UInt32]) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(purpose)
        writer.write(bytes: round.bindingBytes)
        for index in indices { writer.write(index) }
        return writer.bytes
    }
}
