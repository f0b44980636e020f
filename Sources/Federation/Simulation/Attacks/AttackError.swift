import Foundation

/// A wrong attack name or parameter, refused with a message that says what would be right.
public enum AttackError: Error, Equatable, CustomStringConvertible {
    case unknown(name: String, known: [String])
    case badParameter(attack: String, key: String, value: String, expected: String)
    case unknownParameter(attack: String, key: String, known: [String])

    public var description: String {
        switch self {
        case .unknown(let name, let known):
            "unknown attack '\(name)': use one of \(known.joined(separator: ", "))"
        case .badParameter(let attack, let key, let value, let expected):
            "attack \(attack): \(key)=\(value) is not valid, expected \(expected)"
        case .unknownParameter(let attack, let key, let known):
            known.isEmpty
                ? "attack \(attack) takes no parameters, got '\(key)'"
                : "attack \(attack) has no parameter '\(key)': use \(known.joined(separator: ", "))"
        }
    }
}

/// The `key=value` parameters after an attack's name (`min-max:perturbation=sgn`), read
/// one by one; whatever is left unread when the attack is built is an error.
struct AttackOptions {
    let attack: String
    private var values: [String: String] = [:]
    private var read: [String] = []

    init(_ text: String, attack: String) throws(AttackError) {
        self.attack = attack
        for pair in text.split(separator: ",") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .badParameter(attack: attack, key: String(pair), value: "", expected: "key=value")
            }
            values[parts[0].lowercased()] = parts[1]
        }
    }

    mutating func number(_ key: String, default value: Double, where valid: (Double) -> Bool, _ expected: String) throws(AttackError) -> Double {
        read.append(key)
        guard let text = values[key] else { return value }
        guard let number = Double(text), valid(number) else { throw .badParameter(attack: attack, key: key, value: text, expected: expected) }
        return number
    }

    mutating func optionalNumber(_ key: String, where valid: (Double) -> Bool, _ expected: String) throws(AttackError) -> Double? {
        read.append(key)
        guard let text = values[key] else { return nil }
        guard let number = Double(text), valid(number) else { throw .badParameter(attack: attack, key: key, value: text, expected: expected) }
        return number
    }

    mutating func fraction(_ key: String, default value: Double) throws(AttackError) -> Double {
        try number(key, default: value, where: { $0 > 0 && $0 <= 1 }, "a fraction in (0, 1]")
    }

    mutating func flag(_ key: String, default value: Bool) throws(AttackError) -> Bool {
        read.append(key)
        guard let text = values[key] else { return value }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw .badParameter(attack: attack, key: key, value: text, expected: "true or false")
        }
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default value: Choice) throws(AttackError) -> Choice
    where Choice.RawValue == String {
        read.append(key)
        guard let text = values[key] else { return value }
        guard let chosen = Choice(rawValue: text.lowercased()) else {
            throw .badParameter(attack: attack, key: key, value: text, expected: Choice.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return chosen
    }

    /// Refuses parameters the attack does not take.
    func finish() throws(AttackError) {
        if let stray = values.keys.sorted().first(where: { !read.contains($0) }) {
            throw .unknownParameter(attack: attack, key: stray, known: read)
        }
    }
}
