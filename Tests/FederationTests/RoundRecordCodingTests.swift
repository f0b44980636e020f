import Foundation
import Testing

@testable import Federation

/// A checkpoint an earlier version wrote still resumes: round fields added since then decode
/// as empty, and the fields that were always there are still required.
@Suite struct RoundRecordCodingTests {
    static let earlier = #"""
        {"round": 2, "participants": ["a", "b"], "contributors": ["a"], "stragglers": [], "failures": [],
         "rejections": [{"site": "b", "reason": "stale"}], "accepted": true, "meanTrainingLoss": 0.5, "seconds": 1.25}
        """#

    @Test func aRecordWrittenBeforeLaterFieldsDecodes() throws {
        let record = try JSONDecoder().decode(RoundRecord.self, from: Data(Self.earlier.utf8))
        #expect(record.round == 2 && record.contributors == ["a"] && record.rejections.first?.reason == "stale")
        #expect(record.anomalies.isEmpty && record.quarantined.isEmpty && record.privacy.isEmpty)
        #expect(record.problems.isEmpty && record.witnessed.isEmpty)
        let again = try JSONDecoder().decode(RoundRecord.self, from: JSONEncoder().encode(record))
        #expect(again == record)
    }

    @Test func aRecordWithoutItsRoundIsRefused() {
        let broken = Self.earlier.replacingOccurrences(of: #""round": 2, "#, with: "")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RoundRecord.self, from: Data(broken.utf8)) }
    }
}
