/// Stage 2, coordinator to client: the public keys of the client's neighbours that advertised
/// (Bonawitz et al.'s U1, restricted to the neighbourhood as in Bell et al. 2020).
public struct KeyRoster: Hashable, Sendable, Codable {
    /// Addressed to `header.participant`.
    public var header: SecAggHeader
    public var peers: [PeerKeys]

    public init(header: SecAggHeader, peers: [PeerKeys]) {
        self.header = header
        self.peers = peers
    }
}

extension KeyRoster: SecAggWireMessage {
    public static var kind: UInt8 { 3 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 64 + peers.count * 76)
        writer.write(header)
        writer.write(UInt32(peers.count))
        for peer in peers { writer.write(peer) }
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        let count = try reader.readCount(elementSize: 12)
        var peers: [PeerKeys] = []
        for _ in 0..<count { peers.append(try reader.readPeerKeys()) }
        try reader.finish()
        self.init(header: header, peers: peers)
    }
}
