import Federation

/// Reads what `ByteWriter` wrote, refusing anything truncated, oversized or left over, so a
/// malformed message fails to decode instead of decoding to something wrong.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readUInt8() throws(SecAggError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt32() throws(SecAggError) -> UInt32 {
        try need(4)
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return value
    }

    mutating func readUInt64() throws(SecAggError) -> UInt64 {
        try need(8)
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return value
    }

    mutating func readDouble() throws(SecAggError) -> Double { Double(bitPattern: try readUInt64()) }

    /// A 64-bit integer as an `Int` in `range` (`WireInteger`'s check), refused with its field.
    mutating func readInt(field: String, in range: ClosedRange<Int> = 0...Int.max) throws(SecAggError) -> Int {
        let raw = try readUInt64()
        do { return try WireInteger.int(raw, field: field, in: range) } catch { throw .malformed("\(error)") }
    }

    /// A count-prefixed element count, checked against what the rest of the message can hold.
    mutating func readCount(elementSize: Int, limit: Int = Int(UInt32.max)) throws(SecAggError) -> Int {
        let count = Int(try readUInt32())
        guard count <= limit else { throw .malformed("a count of \(count) exceeds the limit \(limit)") }
        guard count * elementSize <= bytes.count - offset else {
            throw .malformed("a count of \(count) does not fit in the \(bytes.count - offset) bytes left")
        }
        return count
    }

    mutating func readBytes(limit: Int = 1 << 20) throws(SecAggError) -> [UInt8] {
        let count = try readCount(elementSize: 1, limit: limit)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readString(limit: Int = 4096) throws(SecAggError) -> String {
        let raw = try readBytes(limit: limit)
        let text = String(decoding: raw, as: UTF8.self)
        guard Array(text.utf8) == raw else { throw .malformed("a string is not valid UTF-8") }
        return text
    }

    mutating func readWords() throws(SecAggError) -> [UInt32] {
        let count = try readCount(elementSize: 4)
        let start = offset
        offset += count * 4
        return [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    buffer[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self))
                }
            }
            initialized = count
        }
    }

    mutating func readHeader() throws(SecAggError) -> SecAggHeader {
        let study = try readString()
        let round = try readInt(field: "round")
        let rawStage = try readUInt8()
        guard let stage = SecAggStage(rawValue: rawStage) else { throw .malformed("unknown stage \(rawStage)") }
        return SecAggHeader(round: SecAggRound(study: study, round: round), stage: stage, participant: try readUInt32())
    }

    mutating func readShare() throws(SecAggError) -> ShamirShare {
        let x = try readUInt32()
        var values: [UInt64] = []
        for _ in 0..<ShamirSharing.chunkCount { values.append(try readUInt64()) }
        return ShamirShare(x: x, values: values)
    }

    /// Fails unless every byte was read: trailing garbage means a malformed message.
    func finish() throws(SecAggError) {
        guard isAtEnd else { throw .malformed("\(bytes.count - offset) unexpected trailing bytes") }
    }

    private func need(_ count: Int) throws(SecAggError) {
        guard bytes.count - offset >= count else { throw .malformed("message truncated") }
    }
}
