/// Lower-case hexadecimal, written and compared without building intermediate strings: the
/// verifier compares two digests per entry, a million entries at a time.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        text.reserveCapacity(64)
        for byte in bytes {
            text.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
            text.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0x0F)]))
        }
        return text
    }

    /// Whether `hex` (ASCII) spells `bytes` in lower case.
    static func matches(_ hex: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard hex.count == bytes.count * 2 else { return false }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if hex[2 * index] != digits[Int(byte >> 4)] || hex[2 * index + 1] != digits[Int(byte & 0x0F)] { return false }
        }
        return true
    }

    /// Parses lower-case hex only (callers lower-case what people type).
    static func bytes(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    static func bytes(_ hex: UnsafeRawBufferPointer) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result = [UInt8](repeating: 0, count: hex.count / 2)
        for index in 0..<result.count {
            guard let high = value(hex[2 * index]), let low = value(hex[2 * index + 1]) else { return nil }
            result[index] = high << 4 | low
        }
        return result
    }

    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case 48...57: character - 48
        case 97...102: character - 87
        default: nil  // upper case is refused: a flipped case bit must not read as the same byte
        }
    }
}
