/// Stage 3, coordinator to client: the ciphertexts its neighbours sent it, from those
/// neighbours whose share messages were accepted (Bonawitz et al.'s U2). The client masks with
/// exactly these neighbours.
public struct ShareDelivery: Hashable, Sendable, Codable {
    /// Addressed to `header.participant`.
    public var header: SecAggHeader
    /// `peer` is the sender.
    public var shares: [AddressedCiphertext]

    public init(header: SecAggHeader, shares: [AddressedCiphertext]) {
        self.header = header
        self.shares = shares
    }
}

extension ShareDelivery: SecAggWireMessage {
    public static var kind: UInt8 { 5 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 64 + shares.count * 136)
        writer.write(header)
        writer.write(UInt32(shares.count))
        for share in shares { writer.write(share) }
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        let count = try reader.readCount(elementSize: 8)
        var shares: [AddressedCiphertext] = []
        for _ in 0..<count { shares.append(try reader.readAddressedCiphertext()) }
        try reader.finish()
        self.init(header: header, shares: shares)
    }
}
