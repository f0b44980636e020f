import Foundation

/// The time zone a study's calendar days are in (`time_zone:`): a fixed offset (`+01:00`,
/// `-05:00`), `UTC` (the default), or an IANA name (`Europe/Paris`), whose offset follows the
/// zone's rules on each day.
///
/// Exports mix instants (`2019-05-14T03:11:33+02:00`, Synthea's `...Z`) and dates
/// (`2019-05-14`). An index date is a calendar day, and "at or before the index date" must take
/// in everything of that day alike: a value timestamped at 15:00 on the index day as well as one
/// dated that day. So the index date is the whole day in this zone (up to its last second), and a
/// date without a time is that day's midnight in this zone. Without a stated zone, a site in New
/// York and one in Berlin would cut the same day at different instants.
public struct StudyTimeZone: Hashable, Sendable, CustomStringConvertible {
    /// As written in the study.
    public let identifier: String
    private let fixedOffset: Int64?

    public static let utc = StudyTimeZone(identifier: "UTC", fixedOffset: 0)

    private init(identifier: String, fixedOffset: Int64?) {
        self.identifier = identifier
        self.fixedOffset = fixedOffset
    }

    /// `UTC`, `Z`, `+HH:MM`, `-HH:MM` or an IANA zone name; nil when it is none of these.
    public init?(_ text: String) {
        if text == "UTC" || text == "Z" || text == "GMT" {
            self = .utc
            return
        }
        let characters = Array(text)
        if characters.count == 6, characters[0] == "+" || characters[0] == "-", characters[3] == ":",
            let hours = Int(String(characters[1...2])), let minutes = Int(String(characters[4...5])), hours <= 14, minutes < 60
        {
            let sign: Int64 = characters[0] == "-" ? -1 : 1
            self.init(identifier: text, fixedOffset: sign * Int64(hours * 3600 + minutes * 60))
            return
        }
        guard TimeZone(identifier: text) != nil, text.contains("/") else { return nil }
        self.init(identifier: text, fixedOffset: nil)
    }

    /// Seconds east of UTC on the calendar day `days` after 1970-01-01.
    public func offset(onDay days: Int) -> Int64 {
        if let fixedOffset { return fixedOffset }
        // Noon UTC of that day: away from the hours a daylight-saving change happens in.
        let zone = TimeZone(identifier: identifier)!
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(days) * 86_400 + 43_200)))
    }

    /// The first instant of `date` in this zone.
    public func start(of date: CivilDate) -> Int64 {
        Int64(date.daysSinceEpoch) * 86_400 - offset(onDay: date.daysSinceEpoch)
    }

    /// The last second of `date` in this zone: "at or before the index date" means up to here.
    public func end(of date: CivilDate) -> Int64 {
        start(of: CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1)) - 1
    }

    /// The calendar day of `instant` in this zone.
    public func date(of instant: Int64) -> CivilDate {
        let utcDay = CivilDate(instant: instant)
        return CivilDate(instant: instant + offset(onDay: utcDay.daysSinceEpoch))
    }

    public var description: String { identifier }
}
