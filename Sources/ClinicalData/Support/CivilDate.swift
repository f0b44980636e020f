/// A calendar date in the proleptic Gregorian calendar, and the conversions between dates and
/// instants (whole seconds since 1970-01-01T00:00:00Z).
///
/// Clinical records carry dates at every precision FHIR allows ("2019", "2019-05",
/// "2019-05-14", "2019-05-14T03:11:33+02:00"); the study compares them with an index date and
/// computes ages in completed years, which needs calendar arithmetic rather than Foundation's
/// `Calendar` (slow, and time-zone dependent in ways a reproducible study must not be).
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01, counting from a year that starts in March so that the leap day
    /// is the last day of the counting year (the classic "days from civil" arithmetic).
    public var daysSinceEpoch: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let monthFromMarch = month <= 2 ? month + 9 : month - 3
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01 (the inverse of `daysSinceEpoch`).
    public init(daysSinceEpoch days: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The date (UTC) of an instant.
    public init(instant: Int64) {
        let days = instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
        self.init(daysSinceEpoch: Int(days))
    }

    /// Midnight UTC at the start of this date.
    public var startInstant: Int64 { Int64(daysSinceEpoch) * 86_400 }

    /// Completed years from `birth` to this date: a patient born on 1980-06-15 is 39 on
    /// 2020-06-14 and 40 on 2020-06-15 (a 29 February birthday counts from 1 March in common years).
    public func completedYears(since birth: CivilDate) -> Int {
        let years = year - birth.year
        return (month, day) < (birth.month, birth.day) ? years - 1 : years
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// "YYYY-MM-DD".
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Parses "YYYY-MM-DD" (exactly), e.g. an index date written in a study file.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, let instant = bytes.withUnsafeBufferPointer({ ISO8601Text.instant($0) }) else { return nil }
        self.init(instant: instant)
    }
}

/// Reads the ISO 8601 subset FHIR uses for `date`, `dateTime` and `instant`.
enum ISO8601Text {
    /// Seconds since the epoch of `text`: partial dates ("2019", "2019-05") mean their first
    /// day, a date alone means midnight in `zone` (UTC by default), and a time zone offset is
    /// honoured (a time without one is taken in `zone`). Nil when the text is not such a date.
    static func instant(_ text: UnsafeBufferPointer<UInt8>, zone: StudyTimeZone = .utc) -> Int64? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= text.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = text[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < text.count, text[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4) else { return nil }
        var month = 1
        var day = 1
        if take(UInt8(ascii: "-")) {
            guard let m = digits(2), (1...12).contains(m) else { return nil }
            month = m
            if take(UInt8(ascii: "-")) {
                guard let d = digits(2), (1...31).contains(d) else { return nil }
                day = d
            }
        }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let local = zone.offset(onDay: days)
        var seconds = Int64(days) * 86_400
        guard index < text.count else { return seconds - local }
        guard take(UInt8(ascii: "T")), let hour = digits(2), take(UInt8(ascii: ":")), let minute = digits(2),
            hour < 24, minute < 60
        else { return nil }
        seconds += Int64(hour * 3600 + minute * 60)
        if take(UInt8(ascii: ":")) {
            guard let second = digits(2), second <= 60 else { return nil }
            seconds += Int64(second)
            if take(UInt8(ascii: ".")) {
                while index < text.count, text[index] >= 48, text[index] <= 57 { index += 1 }
            }
        }
        guard index < text.count else { return seconds - local }
        if take(UInt8(ascii: "Z")) { return index == text.count ? seconds : nil }
        let sign: Int64
        if take(UInt8(ascii: "+")) { sign = 1 } else if take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), take(UInt8(ascii: ":")), let offsetMinutes = digits(2), index == text.count else { return nil }
        return seconds - sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
    }

    static func instant(_ text: String, zone: StudyTimeZone = .utc) -> Int64? {
        var copy = text
        return copy.withUTF8 { instant($0, zone: zone) }
    }
}
