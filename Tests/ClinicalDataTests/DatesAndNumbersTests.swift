import Foundation
import Testing

@testable import ClinicalData

struct DatesAndNumbersTests {
    @Test func civilDatesRoundTrip() {
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        #expect(CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
        for days in stride(from: -100_000, through: 100_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(instant: -1) == CivilDate(year: 1969, month: 12, day: 31))
    }

    @Test func fhirDateTimes() {
        #expect(ISO8601Text.instant("1970-01-01") == 0)
        #expect(ISO8601Text.instant("1970-01-01T00:00:10Z") == 10)
        #expect(ISO8601Text.instant("2008-12-14T03:11:33+00:00") == ISO8601Text.instant("2008-12-14T03:11:33Z"))
        // An offset moves the instant: 02:00 at +02:00 is midnight UTC.
        #expect(ISO8601Text.instant("2019-05-14T02:00:00+02:00") == ISO8601Text.instant("2019-05-14"))
        #expect(ISO8601Text.instant("2019-05-14T00:00:00.123-01:30") == ISO8601Text.instant("2019-05-14T01:30:00Z"))
        // Partial dates mean their first day.
        #expect(ISO8601Text.instant("2019") == ISO8601Text.instant("2019-01-01"))
        #expect(ISO8601Text.instant("2019-05") == ISO8601Text.instant("2019-05-01"))
        for bad in ["", "19", "2019-13-01", "2019-05-14T25:00:00Z", "2019/05/14", "2019-05-14T10:00:00+0200", "yesterday"] {
            #expect(ISO8601Text.instant(bad) == nil, "\(bad)")
        }
    }

    @Test func agesInCompletedYears() {
        let birth = CivilDate(year: 1980, month: 6, day: 15)
        #expect(CivilDate(year: 2020, month: 6, day: 14).completedYears(since: birth) == 39)
        #expect(CivilDate(year: 2020, month: 6, day: 15).completedYears(since: birth) == 40)
        let leapling = CivilDate(year: 2000, month: 2, day: 29)
        #expect(CivilDate(year: 2001, month: 2, day: 28).completedYears(since: leapling) == 0)
        #expect(CivilDate(year: 2001, month: 3, day: 1).completedYears(since: leapling) == 1)
    }

    @Test func decimalsEqualSwiftsCorrectlyRoundedParser() {
        let texts = [
            "0", "63.0", ".7", "-1.5", "+1", "122.02268936299868", "0.1", "1e3", "2.5E-3", "-0.0",
            "12345678901234567890", "3.141592653589793238", "1e-320", "9007199254740993"
        ]
        for text in texts {
            let expected = Double(text)!
            let parsed = DecimalBytes.parse(Substring(text))
            #expect(parsed?.bitPattern == expected.bitPattern, "\(text): \(String(describing: parsed)) vs \(expected)")
        }
        for bad in ["", "-", ".", "1.2.3", "12a", "e5", "1e", "--1", "?"] {
            #expect(DecimalBytes.parse(Substring(bad)) == nil, "\(bad)")
        }
    }
}
