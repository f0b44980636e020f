/// Parses JSON and CSV numbers straight from bytes, without building a `String` first.
///
/// Reading numbers is most of the work left once a FHIR parser skips what a study does not
/// need. Short decimals ("120", "5.6", "122.02268936299868") take the exact fast path of
/// Clinger (1990, "How to read floating point numbers accurately"): a significand below 2^53
/// scaled by a power of ten up to 10^22 is exact on both sides, so one IEEE division or
/// multiplication rounds correctly and the result equals what Python's `float()` gives.
/// Everything else (17+ digit significands, large exponents) goes through the standard
/// library's correctly rounded parser.
enum DecimalBytes {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The number `bytes` spells (JSON number grammar, plus a leading '+' and a bare leading
    /// '.' as CSV files write them: "+1", ".7"), or nil.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let count = bytes.count
        var negative = false
        if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        var exponent = 0
        while index < count {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                sawDigit = true
                if significand != 0 || byte != 48 { significantDigits += 1 }
                guard significantDigits <= 15 else { return slow(bytes) }
                significand = significand &* 10 &+ UInt64(byte &- 48)
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard sawDigit else { return nil }
                index += 1
                var exponentNegative = false
                if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                    exponentNegative = bytes[index] == UInt8(ascii: "-")
                    index += 1
                }
                guard index < count else { return nil }
                while index < count {
                    let digit = bytes[index]
                    guard digit >= 48 && digit <= 57 else { return nil }
                    exponent = exponent * 10 + Int(digit - 48)
                    guard exponent < 10_000 else { return slow(bytes) }
                    index += 1
                }
                if exponentNegative { exponent = -exponent }
                break
            } else {
                return nil
            }
            index += 1
        }
        guard sawDigit else { return nil }
        let scale = exponent - fractionDigits
        var magnitude = Double(significand)
        if scale < 0 {
            guard -scale <= 22 else { return slow(bytes) }
            magnitude /= powersOfTen[-scale]
        } else if scale > 0 {
            guard scale <= 22 else { return slow(bytes) }
            magnitude *= powersOfTen[scale]
        }
        return negative ? -magnitude : magnitude
    }

    static func parse(_ text: Substring) -> Double? {
        var copy = String(text)
        return copy.withUTF8 { parse($0) }
    }

    /// Swift's parser is correctly rounded and accepts "+1" and ".7" as CSV files write them.
    private static func slow(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        Double(String(decoding: bytes, as: UTF8.self))
    }
}
