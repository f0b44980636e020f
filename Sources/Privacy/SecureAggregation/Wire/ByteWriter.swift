/// Appends integers (little-endian), length-prefixed byte strings and UTF-8 strings: the
/// compact binary form stage messages travel in.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    mutating func write(_ text: String) { write(bytes: Array(text.utf8)) }

    /// A count, then the bytes.
    mutating func write(bytes value: [UInt8]) {
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// A count, then the words: the bulk of a masked input, copied in one go.
    mutating func write(words: [UInt32]) {
        write(UInt32(words.count))
        #if _endian(little)
            words.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
            for word in words { write(word) }
        #endif
    }

    mutating func write(_ header: SecAggHeader) {
        write(header.round.study)
        write(UInt64(truncatingIfNeeded: header.round.round))
        write(header.stage.rawValue)
        write(header.participant)
    }

    mutating func write(_ share: ShamirShare) {
        write(share.x)
        for value in share.values { write(value) }
    }
}
