/// Converts the ASCII decimal numbers of a CSV field to `Double` without allocating.
///
/// The UCI files hold short numbers ("63.0", ".7", "-1.5"), so nearly every value takes the
/// exact fast path of Clinger (1990, "How to read floating point numbers accurately"): an
/// integer significand below 2^53 scaled by a power of ten up to 10^22 is exactly
/// representable on both sides, so one IEEE multiplication or division rounds correctly and the
/// result equals Python's `float(text)` bit for bit. Anything else (long significands,
/// exponents, "nan", "inf") goes through the standard library's correctly rounded parser.
enum DecimalText {
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The value of `bytes`, or nil when it is not a number.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var significand: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var sawDigit = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                // Leading zeros do not count towards the 19 digits a UInt64 can hold.
                sawDigit = true
                if significand != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                guard digits <= 15 else { return slowParse(bytes) }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return slowParse(bytes)
            }
            index += 1
        }
        guard sawDigit else { return nil }
        guard fractionDigits <= 22 else { return slowParse(bytes) }
        let magnitude = Double(significand) / exactPowersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    private static func slowParse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        Double(String(decoding: bytes, as: UTF8.self))
    }
}
