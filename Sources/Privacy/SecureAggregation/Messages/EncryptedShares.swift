/// Stage 2, client to coordinator: one ciphertext per neighbour in the client's roster, and a
/// commitment to its self-mask seed (checked after reconstruction).
public struct EncryptedShares: Hashable, Sendable, Codable {
    /// From `header.participant`.
    public var header: SecAggHeader
    public var seedCommitment: [UInt8]
    /// `peer` is the recipient.
    public var shares: [AddressedCiphertext]

    public init(header: SecAggHeader, seedCommitment: [UInt8], shares: [AddressedCiphertext]) {
        self.header = header
        self.seedCommitment = seedCommitment
        self.shares = shares
    }
}

extension EncryptedShares: SecAggWireMessage {
    public static var kind: UInt8 { 4 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 96 + shares.count * 136)
        writer.write(header)
        writer.write(bytes: seedCommitment)
        writer.write(UInt32(shares.count))
        for share in shares { writer.write(share) }
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        let commitment = try reader.readBytes(limit: 64)
        let count = try reader.readCount(elementSize: 8)
        var shares: [AddressedCiphertext] = []
        for _ in 0..<count { shares.append(try reader.readAddressedCiphertext()) }
        try reader.finish()
        self.init(header: header, seedCommitment: commitment, shares: shares)
    }
}
