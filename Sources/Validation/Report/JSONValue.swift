import Foundation

/// A JSON document built explicitly, so that the report's contract is visible in one place
/// (`ValidationReportJSON`): every key it promises is written, `null` included, and a number
/// that is not finite can never be written as one (it becomes `null`).
public indirect enum JSONValue: Hashable, Sendable, Encodable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .number(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }

    /// A number, or null.
    static func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
    static func int(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }
    static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// Sorted keys, two-space indentation, no escaped slashes: the same bytes for the same report.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
