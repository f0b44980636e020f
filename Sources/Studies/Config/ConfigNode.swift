import Foundation
import Yams

/// A value in a YAML config file with where it came from, so every error names the file,
/// the line and the key. Mappings are strict: a key the reader does not know is an error
/// (a misspelt `min_sties` must not silently fall back to a default).
public struct ConfigNode: @unchecked Sendable {  // Yams nodes are immutable values
    let node: Yams.Node
    public let file: String
    public let key: String

    /// Parses `text` (the contents of `file`) into its top-level mapping.
    public static func document(_ text: String, file: String) throws -> ConfigNode {
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError("\(file): not valid YAML: \(Self.describe(error))")
        } catch {
            throw ConfigError("\(file): not valid YAML: \(error)")
        }
        guard let node, node.mapping != nil else { throw ConfigError("\(file): expected a mapping of settings (key: value lines)") }
        return ConfigNode(node: node, file: file, key: "")
    }

    public static func load(_ url: URL) throws -> ConfigNode {
        guard FileManager.default.fileExists(atPath: url.path) else { throw ConfigError("config file \(url.path) does not exist") }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ConfigError("config file \(url.path) cannot be read (permissions, or not UTF-8 text)")
        }
        return try document(text, file: url.path)
    }

    /// `file:line`.
    public var location: String { node.mark.map { "\(file):\($0.line)" } ?? file }

    /// `file:line` of `name`'s value in this mapping, or nil if the mapping has no such key.
    public func location(ofKey name: String) -> String? {
        guard let mapping = node.mapping else { return nil }
        for (keyNode, _) in mapping where keyNode.string == name {
            return keyNode.mark.map { "\(file):\($0.line)" } ?? file
        }
        return nil
    }

    /// The mapping's entries, in file order, after checking every key is in `allowed`.
    public func entries(allowed: [String]) throws -> [(String, ConfigNode)] {
        guard let mapping = node.mapping else { throw ConfigError("\(location): \(describe) must be a mapping (key: value lines)") }
        var seen = Set<String>()
        var result: [(String, ConfigNode)] = []
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? "?"
            let where_ = keyNode.mark.map { "\(file):\($0.line)" } ?? file
            guard allowed.contains(name) else {
                throw ConfigError("\(where_): unknown key '\(qualified(name))'; known keys here: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw ConfigError("\(where_): key '\(qualified(name))' is given twice") }
            result.append((name, ConfigNode(node: value, file: file, key: qualified(name))))
        }
        return result
    }

    /// The entries as a dictionary (after the same checks).
    public func mapping(allowed: [String]) throws -> [String: ConfigNode] {
        Dictionary(uniqueKeysWithValues: try entries(allowed: allowed))
    }

    private func qualified(_ name: String) -> String { key.isEmpty ? name : "\(key).\(name)" }
    private var describe: String { key.isEmpty ? "the file" : "'\(key)'" }

    public func string() throws -> String {
        guard let scalar = node.scalar else { throw ConfigError("\(location): '\(key)' must be a single value") }
        return scalar.string
    }

    public func int(in range: ClosedRange<Int>? = nil) throws -> Int {
        guard let value = node.int else {
            throw ConfigError("\(location): '\(key)' must be a whole number, got '\(node.scalar?.string ?? "a list or mapping")'")
        }
        if let range, !range.contains(value) {
            throw ConfigError("\(location): '\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    public func double(minimum: Double? = nil, maximum: Double? = nil) throws -> Double {
        guard let value = node.float, value.isFinite else {
            throw ConfigError("\(location): '\(key)' must be a number, got '\(node.scalar?.string ?? "a list or mapping")'")
        }
        if let minimum, value < minimum { throw ConfigError("\(location): '\(key)' must be at least \(minimum), got \(value)") }
        if let maximum, value > maximum { throw ConfigError("\(location): '\(key)' must be at most \(maximum), got \(value)") }
        return value
    }

    /// The longest duration a config may give (30 days, 2,592,000 s): far beyond any deadline,
    /// heartbeat or backoff a study needs, and far inside what a `Duration`, nanoseconds in an
    /// `Int64` or milliseconds in the wire's `UInt32` hold, so no value converts with a trap.
    public static let longestSeconds: Double = 30 * 86_400

    /// A duration in seconds, from `minimum` to `longestSeconds`.
    public func seconds(minimum: Double) throws -> Double {
        try double(minimum: minimum, maximum: Self.longestSeconds)
    }

    public func bool() throws -> Bool {
        guard let value = node.bool else {
            throw ConfigError("\(location): '\(key)' must be true or false, got '\(node.scalar?.string ?? "a list or mapping")'")
        }
        return value
    }

    public func strings() throws -> [String] {
        guard let sequence = node.sequence else { throw ConfigError("\(location): '\(key)' must be a list, e.g. [a, b]") }
        return try sequence.map { item in
            guard let scalar = item.scalar else { throw ConfigError("\(location): '\(key)' must list plain values") }
            return scalar.string
        }
    }

    /// The text of a scalar as written (for values another layer interprets).
    public var scalarText: String? { node.scalar?.string }

    /// A path, resolved against the config file's directory when relative.
    public func path() throws -> URL {
        let text = try string()
        guard !text.isEmpty else { throw ConfigError("\(location): '\(key)' must be a path") }
        if text.hasPrefix("/") { return URL(fileURLWithPath: text).standardizedFileURL }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(text).standardizedFileURL
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            "line \(mark.line): \(problem)"
        default:
            "\(error)"
        }
    }
}

/// A config problem, one line naming file, line and key.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
