import Crypto

/// One client's advertised public keys, as the coordinator relays them to its neighbours.
public struct PeerKeys: Hashable, Sendable, Codable {
    public var participant: UInt32
    /// X25519 public key for the share channel (32 bytes).
    public var encryptionKey: [UInt8]
    /// X25519 public key for pairwise masks (32 bytes).
    public var maskingKey: [UInt8]

    public init(participant: UInt32, encryptionKey: [UInt8], maskingKey: [UInt8]) {
        self.participant = participant
        self.encryptionKey = encryptionKey
        self.maskingKey = maskingKey
    }

    /// Why these keys cannot be used, or nil: both must be 32-byte X25519 keys, and distinct
    /// (a client reusing one pair for both purposes would expose its share channel on dropout).
    var problem: String? {
        guard encryptionKey.count == 32, maskingKey.count == 32 else {
            return "public keys must be 32 bytes, got \(encryptionKey.count) and \(maskingKey.count)"
        }
        guard encryptionKey != maskingKey else { return "the encryption and masking keys are the same" }
        return nil
    }

    func encryptionPublicKey() throws(SecAggError) -> Curve25519.KeyAgreement.PublicKey {
        do { return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: encryptionKey) } catch {
            throw .malformed("participant \(participant)'s encryption key is not an X25519 key")
        }
    }

    func maskingPublicKey() throws(SecAggError) -> Curve25519.KeyAgreement.PublicKey {
        do { return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: maskingKey) } catch {
            throw .malformed("participant \(participant)'s masking key is not an X25519 key")
        }
    }
}

extension ByteWriter {
    mutating func write(_ keys: PeerKeys) {
        write(keys.participant)
        write(bytes: keys.encryptionKey)
        write(bytes: keys.maskingKey)
    }
}

extension ByteReader {
    mutating func readPeerKeys() throws(SecAggError) -> PeerKeys {
        PeerKeys(participant: try readUInt32(), encryptionKey: try readBytes(limit: 64), maskingKey: try readBytes(limit: 64))
    }
}
