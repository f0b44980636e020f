import Federation
import Foundation
import SwiftProtobuf
import Testing

@testable import Transport

/// Validation statistics on the wire: exact both ways, and refused when malformed or unasked.
@Suite("Validation statistics on the wire")
struct ValidationWireTests {
    static func statistics() throws -> ValidationStatistics {
        var attributes = PatientAttributes(rowCount: 6)
        attributes.set(.sex, ["female", "male", "female", nil, "male", "male"])
        attributes.set(.ageBand, ["<45", "45-54", "65+", "65+", "<45", "55-64"])
        return try ValidationStatistics(logits: [-2.5, 0.1, 0.7, 3.2, -0.4, 1.1], labels: [0, 1, 1, 1, 0, 0], attributes: attributes)
    }

    @Test("statistics survive encoding and decoding bit for bit")
    func roundTrip() throws {
        let original = try Self.statistics()
        let bytes = try Cohort_Deployment_V1_ValidationStatistics(original).serializedBytes() as [UInt8]
        let decoded = try Cohort_Deployment_V1_ValidationStatistics(serializedBytes: bytes)
            .domain(asked: ValidationStatistics.defaultBinCount)
        #expect(decoded == original)
        #expect(decoded.groups.count == 6)
    }

    @Test("statistics not asked for, on other bins, or malformed are refused")
    func refusals() throws {
        let message = Cohort_Deployment_V1_ValidationStatistics(try Self.statistics())
        #expect(throws: MalformedMessage.self) { try message.domain(asked: nil) }
        #expect(throws: MalformedMessage.self) { try message.domain(asked: 100) }
        var unknown = message
        unknown.attributes.append("income")
        #expect(throws: MalformedMessage.self) { try unknown.domain(asked: ValidationStatistics.defaultBinCount) }
        var unsorted = message
        unsorted.all.cells.reverse()
        #expect(throws: MalformedMessage.self) { try unsorted.domain(asked: ValidationStatistics.defaultBinCount) }
        var outside = message
        outside.all.cells[0].bin = 5_000
        #expect(throws: MalformedMessage.self) { try outside.domain(asked: ValidationStatistics.defaultBinCount) }
        var notANumber = message
        notANumber.groups[0].histogram.cells[0].probabilitySum = .nan
        #expect(throws: MalformedMessage.self) { try notANumber.domain(asked: ValidationStatistics.defaultBinCount) }
    }
}
