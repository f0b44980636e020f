import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Times in a trail: UTC, millisecond precision, fixed width ("2025-06-01T09:30:00.125Z"),
/// so text order is time order and filters compare strings.
public enum AuditTimestamp {
    public static func string(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2) + "T"
            + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "."
            + pad(fraction, 3) + "Z"
    }

    /// Parses the trail's own format, and also what people type in filters: a date
    /// ("2025-06-01", midnight UTC) or a time without milliseconds.
    public static func date(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            var value = 0
            for index in range {
                guard digits[index] >= 48, digits[index] <= 57 else { return nil }
                value = value * 10 + Int(digits[index] - 48)
            }
            return value
        }
        guard digits.count >= 10, digits[4] == 45, digits[7] == 45,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return nil }
        var hour = 0, minute = 0, second = 0, millisecond = 0
        if digits.count > 10 {
            guard digits.count >= 19, digits[10] == 84 || digits[10] == 32, digits[13] == 58, digits[16] == 58,
                let h = number(11..<13), let m = number(14..<16), let s = number(17..<19)
            else { return nil }
            (hour, minute, second) = (h, m, s)
            var index = 19
            if index < digits.count, digits[index] == 46 {
                guard let fraction = number(20..<23) else { return nil }
                millisecond = fraction
                index = 23
            }
            guard index == digits.count || (index == digits.count - 1 && digits[index] == 90) else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
