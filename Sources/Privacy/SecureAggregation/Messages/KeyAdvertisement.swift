/// Stage 1, client to coordinator: the client's two X25519 public keys, one for encrypting
/// shares, one for pairwise masks (Bonawitz et al. 2017, round 0). Two pairs, because the mask
/// key may be reconstructed if the client drops, and that must not expose the share channel.
public struct KeyAdvertisement: Hashable, Sendable, Codable {
    public var header: SecAggHeader
    public var keys: PeerKeys

    public init(header: SecAggHeader, encryptionKey: [UInt8], maskingKey: [UInt8]) {
        self.header = header
        keys = PeerKeys(participant: header.participant, encryptionKey: encryptionKey, maskingKey: maskingKey)
    }
}

extension KeyAdvertisement: SecAggWireMessage {
    public static var kind: UInt8 { 2 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 128)
        writer.write(header)
        writer.write(bytes: keys.encryptionKey)
        writer.write(bytes: keys.maskingKey)
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        let encryption = try reader.readBytes(limit: 64)
        let masking = try reader.readBytes(limit: 64)
        try reader.finish()
        self.init(header: header, encryptionKey: encryption, maskingKey: masking)
    }
}
