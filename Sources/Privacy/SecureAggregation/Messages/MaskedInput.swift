/// Stage 3, client to coordinator: y_u = x_u + PRG(b_u) + sum_v +-PRG(s_uv) mod 2^32, the
/// quantized update and its weight, masked. 4 bytes per parameter, 1x a float32 update.
public struct MaskedInput: Hashable, Sendable, Codable {
    /// From `header.participant`.
    public var header: SecAggHeader
    /// P + 1 words; the last is the masked weight.
    public var values: [UInt32]

    public init(header: SecAggHeader, values: [UInt32]) {
        self.header = header
        self.values = values
    }
}

extension MaskedInput: SecAggWireMessage {
    public static var kind: UInt8 { 6 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 64 + 4 * values.count)
        writer.write(header)
        writer.write(words: values)
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let header = try reader.readHeader()
        let values = try reader.readWords()
        try reader.finish()
        self.init(header: header, values: values)
    }
}
