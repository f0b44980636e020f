/// Stage 4, coordinator to client: which of the client's neighbours survived (the coordinator
/// wants their self-mask seed shares) and which dropped after sharing (it wants their mask-key
/// shares). A client refuses a request that names a peer in both lists.
public struct UnmaskRequest: Hashable, Sendable, Codable {
    /// Addressed to `header.participant`.
    public var header: SecAggHeader
    public var survivors: [UInt32]
    public var dropped: [UInt32]

    public init(header: SecAggHeader, survivors: [UInt32], dropped: [UInt32]) {
        self.header = header
        self.survivors = survivors
        self.dropped = dropped
    }
}

extension UnmaskRequest: SecAggWireMessage {
    public static var kind: UInt8 { 7 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 64 + 4 * (survivors.count + dropped.count))
        writer.write(header)
        writer.write(words: survivors)
        writer.write(words: dropped)
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        let survivors = try reader.readWords()
        let dropped = try reader.readWords()
        try reader.finish()
        self.init(header: header, survivors: survivors, dropped: dropped)
    }
}
