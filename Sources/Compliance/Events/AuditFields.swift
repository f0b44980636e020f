import Federation

/// An event's fields in the order they are written. Order matters because an entry's hash
/// covers its bytes as written; decoding sorts nothing and needs no order.
public struct AuditFields: Hashable, Sendable {
    public private(set) var pairs: [(key: String, value: AuditValue)] = []

    public init() {}

    public subscript(key: String) -> AuditValue? {
        pairs.first { $0.key == key }?.value
    }

    /// Adds a field; nil values are left out, so optional facts cost nothing when absent.
    public mutating func set(_ key: String, _ value: AuditValue?) {
        guard let value else { return }
        pairs.removeAll { $0.key == key }
        pairs.append((key, value))
    }

    public mutating func set(_ key: String, _ value: String?) { set(key, value.map(AuditValue.string)) }
    public mutating func set(_ key: String, _ value: Int?) { set(key, value.map(AuditValue.integer)) }
    public mutating func set(_ key: String, _ value: Double?) { set(key, value.map(AuditValue.number)) }
    public mutating func set(_ key: String, _ value: Bool?) { set(key, value.map(AuditValue.bool)) }
    public mutating func set(_ key: String, _ values: [String]?) { set(key, values.map { .list($0.map(AuditValue.string)) }) }

    public func string(_ key: String) -> String? {
        if case .string(let value) = self[key] { return value }
        return nil
    }

    public func integer(_ key: String) -> Int? {
        switch self[key] {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: Int(value)
        default: nil
        }
    }

    public func number(_ key: String) -> Double? {
        switch self[key] {
        case .number(let value): value
        case .integer(let value): Double(value)
        case .string(let text): NonFiniteSpelling.value(of: text)
        default: nil
        }
    }

    public func bool(_ key: String) -> Bool? {
        if case .bool(let value) = self[key] { return value }
        return nil
    }

    public func strings(_ key: String) -> [String]? {
        guard case .list(let values) = self[key] else { return nil }
        return values.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    public func object(_ key: String) -> AuditFields? {
        if case .object(let fields) = self[key] { return fields }
        return nil
    }

    public static func == (lhs: AuditFields, rhs: AuditFields) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }
}

extension AuditFields: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            set(key.stringValue, try container.decode(AuditValue.self, forKey: key))
        }
    }
}
