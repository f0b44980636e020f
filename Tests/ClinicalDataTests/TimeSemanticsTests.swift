import Foundation
import Testing

@testable import ClinicalData

/// The index date is one calendar day in the zone the study states: a value timestamped later
/// that day counts like one dated that day, and a date without a time is a day in that zone.
struct TimeSemanticsTests {
    private func glucose(zone: String?, observations: [(time: String, value: Double)]) throws -> Double {
        let study = try TestData.study(
            """
            study: t
            index_date: 2020-01-01
            \(zone.map { "time_zone: \"\($0)\"" } ?? "")
            features: [{name: glucose, kind: quantity, code: "loinc:2345-7", unit: mg/dL, plausible: [20, 600]}]
            label: {name: y, kind: condition, codes: ["snomed:1"]}
            """)
        let lines =
            [#"{"resourceType":"Patient","id":"p","gender":"female","birthDate":"1960-01-01"}"#]
            + observations.enumerated().map { index, observation in
                #"{"resourceType":"Observation","id":"o\#(index)","status":"final","subject":{"reference":"Patient/p"},"code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},"effectiveDateTime":"\#(observation.time)","valueQuantity":{"value":\#(observation.value),"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}"#
            }
        return try TestData.withScratchDirectory { folder in
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("export.ndjson"))
            return try #require(Harmonizer(study: study).run(.fhir(folder)).rows.first).values[0]
        }
    }

    @Test func aValueLaterOnTheIndexDayCounts() throws {
        // Before: the index was 00:00 UTC, so the 15:00 value was dropped and the older one used.
        #expect(try glucose(zone: nil, observations: [("2019-12-20", 100), ("2020-01-01T15:00:00Z", 140)]) == 140)
        #expect(try glucose(zone: nil, observations: [("2019-12-20", 100), ("2020-01-01", 120)]) == 120)
        #expect(try glucose(zone: nil, observations: [("2019-12-20", 100), ("2020-01-02T00:00:00Z", 150)]) == 100)
    }

    @Test func theDayIsTheStudysTimeZones() throws {
        // 23:30 UTC on 1 January is 01:30 on 2 January in +02:00: after the index date there.
        #expect(try glucose(zone: nil, observations: [("2019-12-20", 100), ("2020-01-01T23:30:00Z", 140)]) == 140)
        #expect(try glucose(zone: "+02:00", observations: [("2019-12-20", 100), ("2020-01-01T23:30:00Z", 140)]) == 100)
        // 03:00 UTC on 2 January is still 1 January in New York (-05:00).
        #expect(try glucose(zone: "-05:00", observations: [("2019-12-20", 100), ("2020-01-02T03:00:00Z", 140)]) == 140)
        #expect(try glucose(zone: "America/New_York", observations: [("2019-12-20", 100), ("2020-01-02T03:00:00Z", 140)]) == 140)
        // A date alone is that day in the zone: 2 January is after the index date everywhere.
        #expect(try glucose(zone: "-05:00", observations: [("2019-12-20", 100), ("2020-01-02", 140)]) == 100)
    }

    @Test func zonesAreReadAndChecked() throws {
        let paris = try #require(StudyTimeZone("Europe/Paris"))
        let january = CivilDate(year: 2020, month: 1, day: 15).daysSinceEpoch
        let july = CivilDate(year: 2020, month: 7, day: 15).daysSinceEpoch
        #expect(paris.offset(onDay: january) == 3600 && paris.offset(onDay: july) == 7200)
        #expect(StudyTimeZone("+05:30")?.offset(onDay: 0) == 19_800 && StudyTimeZone("UTC") == .utc)
        let day = CivilDate(year: 2020, month: 1, day: 1)
        #expect(StudyTimeZone.utc.end(of: day) == day.startInstant + 86_399)
        #expect(StudyTimeZone("+01:00")!.end(of: day) == day.startInstant + 86_399 - 3600)
        for text in ["CET+1", "+25:00", "Mars/Olympus", "1:00"] { #expect(StudyTimeZone(text) == nil, "\(text)") }
        do {
            _ = try TestData.study("study: t\ntime_zone: Paris\nfeatures: [{name: age, kind: age}]\nlabel: {name: y, kind: condition, codes: [\"snomed:1\"]}\n")
            Issue.record("accepted a zone that is none")
        } catch {
            #expect("\(error)".contains("is not a time zone"), "\(error)")
        }
    }
}
