/// A stage message that travels as bytes: a one-byte kind tag, a format version, then the
/// fields. `init(serialized:)` rejects anything malformed with `SecAggError.malformed`.
public protocol SecAggWireMessage: Sendable {
    static var kind: UInt8 { get }
    func serialized() -> [UInt8]
    init(serialized bytes: [UInt8]) throws(SecAggError)
}

enum SecAggWire {
    static let version: UInt8 = 1

    static func writer<Message: SecAggWireMessage>(for _: Message.Type, capacity: Int = 64) -> ByteWriter {
        var writer = ByteWriter(capacity: capacity)
        writer.write(Message.kind)
        writer.write(version)
        return writer
    }

    static func reader<Message: SecAggWireMessage>(for _: Message.Type, _ bytes: [UInt8]) throws(SecAggError) -> ByteReader {
        var reader = ByteReader(bytes)
        let kind = try reader.readUInt8()
        guard kind == Message.kind else { throw .malformed("expected a \(Message.self) (kind \(Message.kind)), got kind \(kind)") }
        let version = try reader.readUInt8()
        guard version == Self.version else { throw .malformed("unsupported format version \(version)") }
        return reader
    }
}
