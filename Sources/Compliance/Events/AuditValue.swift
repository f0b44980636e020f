/// A value in an audit entry's fields: the JSON types, with integers kept apart from
/// floating-point numbers so counts read back exactly.
public enum AuditValue: Hashable, Sendable {
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null
    case list([AuditValue])
    case object(AuditFields)

    /// The value as text, for CSV cells and the report.
    public var text: String {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .number(let value): CanonicalJSON.number(value)
        case .bool(let value): value ? "true" : "false"
        case .null: ""
        case .list(let values): values.map(\.text).joined(separator: " ")
        case .object(let fields): fields.pairs.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")
        }
    }
}

extension AuditValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AuditValue].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode(AuditFields.self))
        }
    }
}
