import Foundation

/// A site's privacy policy: the most (ε, δ)-differential privacy that all training on its
/// data, across every study and round, may spend in total.
///
/// One budget per site, not per study: every study trains on the same patients, so their
/// privacy losses compose. Read from JSON, `{"max_epsilon": 8, "delta": 1e-5}`, or built by
/// whoever parsed another format. A policy that contradicts itself is refused, never clamped.
public struct PrivacyPolicy: Sendable, Hashable, Codable {
    /// ε the site will not exceed, at `delta`.
    public let maxEpsilon: Double
    /// δ at which ε is measured; should be well below 1/(records at the site).
    public let delta: Double

    public init(maxEpsilon: Double, delta: Double) throws(PrivacyPolicyError) {
        guard maxEpsilon > 0, maxEpsilon.isFinite else { throw .invalidMaxEpsilon(maxEpsilon) }
        guard delta > 0, delta < 1 else { throw .invalidDelta(delta) }
        self.maxEpsilon = maxEpsilon
        self.delta = delta
    }

    private enum CodingKeys: String, CodingKey { case maxEpsilon, delta }

    /// Decoding validates like `init`. Keys are camelCase here; `PrivacyPolicy(json:)` reads
    /// the snake_case file format.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            maxEpsilon: container.decode(Double.self, forKey: .maxEpsilon),
            delta: container.decode(Double.self, forKey: .delta))
    }

    /// A policy from the JSON file format (snake_case keys; other keys are ignored).
    /// `source` names the file in error messages.
    public init(json data: Data, source: String = "policy") throws(PrivacyPolicyError) {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            self = try decoder.decode(PrivacyPolicy.self, from: data)
        } catch let error as PrivacyPolicyError {
            throw error.in(source)
        } catch let error as DecodingError {
            throw .malformed(path: source, reason: error.oneLineDescription)
        } catch {
            throw .malformed(path: source, reason: "\(error)")
        }
    }

    /// Reads a JSON policy file.
    public init(contentsOf url: URL) throws(PrivacyPolicyError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(json: data, source: url.path)
    }
}

extension DecodingError {
    /// What is wrong, in one line, with keys as the file spells them (snake_case).
    var oneLineDescription: String {
        func name(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = (path + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? snakeCase($0.stringValue) }
            return keys.isEmpty ? "the document" : "'\(keys.joined(separator: "."))'"
        }
        switch self {
        case .keyNotFound(let key, let context): return "missing key \(name(context.codingPath, key))"
        case .typeMismatch(_, let context): return "\(name(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(name(context.codingPath)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(name(context.codingPath)) is invalid"
        @unknown default: return "cannot be decoded"
        }
    }
}

/// maxEpsilon → max_epsilon.
private func snakeCase(_ key: String) -> String {
    var result = ""
    for character in key {
        if character.isUppercase {
            result += "_" + character.lowercased()
        } else {
            result.append(character)
        }
    }
    return result
}
