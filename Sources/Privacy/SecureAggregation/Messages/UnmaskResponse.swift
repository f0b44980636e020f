/// Stage 4, client to coordinator: the client's shares of its surviving neighbours' self-mask
/// seeds and of its dropped neighbours' mask keys - never both for one neighbour.
public struct UnmaskResponse: Hashable, Sendable, Codable {
    /// From `header.participant`.
    public var header: SecAggHeader
    public var seedShares: [OwnedShare]
    public var keyShares: [OwnedShare]

    public init(header: SecAggHeader, seedShares: [OwnedShare], keyShares: [OwnedShare]) {
        self.header = header
        self.seedShares = seedShares
        self.keyShares = keyShares
    }
}

/// A share of the secret of client `owner`.
public struct OwnedShare: Hashable, Sendable, Codable {
    public var owner: UInt32
    public var share: ShamirShare

    public init(owner: UInt32, share: ShamirShare) {
        self.owner = owner
        self.share = share
    }
}

extension UnmaskResponse: SecAggWireMessage {
    public static var kind: UInt8 { 8 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 64 + 48 * (seedShares.count + keyShares.count))
        writer.write(header)
        for list in [seedShares, keyShares] {
            writer.write(UInt32(list.count))
            for item in list {
                writer.write(item.owner)
                writer.write(item.share)
            }
        }
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        var lists: [[OwnedShare]] = []
        for _ in 0..<2 {
            let count = try reader.readCount(elementSize: 4 + ShamirShare.encodedByteCount)
            var list: [OwnedShare] = []
            for _ in 0..<count { list.append(OwnedShare(owner: try reader.readUInt32(), share: try reader.readShare())) }
            lists.append(list)
        }
        try reader.finish()
        self.init(header: header, seedShares: lists[0], keyShares: lists[1])
    }
}
