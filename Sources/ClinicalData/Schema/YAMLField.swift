import Yams

/// A YAML node together with the file and key path it came from.
///
/// Study and mapping files are read node by node rather than through `Decodable`, so that a
/// mistake is reported as "study.yaml line 41: features[3].unit: ..." and so that unknown keys
/// (a typo such as `agregation`) are refused instead of being silently ignored.
struct YAMLField {
    let node: Node
    let file: String
    let path: String

    /// The document in `text`; YAML syntax errors become `SchemaError`s with their line.
    static func document(_ text: String, file: String) throws -> YAMLField {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SchemaError(file: file, line: nil, path: "", problem: "the file is empty; write a YAML mapping")
            }
            return YAMLField(node: node, file: file, path: "")
        } catch let error as SchemaError {
            throw error
        } catch let error as YamlError {
            throw SchemaError(
                file: file, line: Self.line(of: error), path: "",
                problem: "is not valid YAML (\(Self.problem(of: error))); fix the syntax at that line")
        }
    }

    var line: Int? { node.mark?.line }

    func failure(_ problem: String) -> SchemaError {
        SchemaError(file: file, line: line, path: path, problem: problem)
    }

    private func child(_ node: Node, _ suffix: String) -> YAMLField {
        YAMLField(node: node, file: file, path: path.isEmpty ? suffix : (suffix.hasPrefix("[") ? path + suffix : path + "." + suffix))
    }

    /// The members of a mapping, refusing keys outside `allowed`.
    func mapping(allowing allowed: [String]) throws -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw failure("expected a mapping (key: value lines)") }
        var members = [(String, YAMLField)]()
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw failure("keys must be plain text") }
            guard allowed.contains(key) else {
                throw YAMLField(node: keyNode, file: file, path: path).failure(
                    "unknown key '\(key)'; allowed here: \(allowed.joined(separator: ", "))")
            }
            members.append((key, child(value, key)))
        }
        return YAMLMapping(owner: self, members: members)
    }

    /// A mapping whose keys are data (e.g. `values: {"1": male}`), in file order.
    func pairs() throws -> [(key: String, value: YAMLField)] {
        guard case .mapping(let mapping) = node else { throw failure("expected a mapping (key: value lines)") }
        return try mapping.map { keyNode, value in
            guard let key = keyNode.scalar?.string else { throw failure("keys must be plain text") }
            return (key, child(value, key))
        }
    }

    func list() throws -> [YAMLField] {
        guard case .sequence(let sequence) = node else { throw failure("expected a list ('- item' lines or [a, b])") }
        return sequence.enumerated().map { child($1, "[\($0)]") }
    }

    /// A single scalar is accepted where a list is expected: `code: loinc:2093-3`.
    func listOrScalar() throws -> [YAMLField] {
        if case .scalar = node { return [self] }
        return try list()
    }

    func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw failure("expected a single value, not a list or mapping") }
        return scalar.string
    }

    func double() throws -> Double {
        let text = try string()
        guard let value = Double(text.trimmingSpaces), value.isFinite else { throw failure("'\(text)' is not a number") }
        return value
    }

    func int() throws -> Int {
        let text = try string()
        guard let value = Int(text.trimmingSpaces) else { throw failure("'\(text)' is not a whole number") }
        return value
    }

    /// The longest span of days a schema may give: a century of records, 36,525 days.
    static let longestDays = 36_525

    /// A number of days (`window_days`, `within_days`, `minimum_history_days`) from `minimum`
    /// to `longestDays`. Harmonization turns days into seconds in an `Int64`, which a value
    /// such as 106751991167301 would overflow with a trap for every patient.
    func days(minimum: Int) throws -> Int {
        let value = try int()
        guard (minimum...Self.longestDays).contains(value) else {
            throw failure("\(value) days is outside \(minimum)...\(Self.longestDays) (a century); give a number of days in that range")
        }
        return value
    }

    func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let text: throw failure("'\(text)' is not true or false")
        }
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) throws -> Choice where Choice.RawValue == String {
        let text = try string()
        guard let value = Choice(rawValue: text) else {
            throw failure("'\(text)' is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func code(aliases: [String: CodeSystem]) throws -> ClinicalCode {
        let text = try string()
        guard let code = ClinicalCode(parsing: text, aliases: aliases) else {
            let known = (Array(CodeSystem.wellKnown.keys) + Array(aliases.keys)).sorted().joined(separator: ", ")
            throw failure("'\(text)' is not a code; write system:code with system one of \(known) (declare others under code_systems)")
        }
        return code
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicated keys \(duplicates.joined(separator: ", "))"
        default: String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "syntax error"
        }
    }
}

/// The checked members of one YAML mapping.
struct YAMLMapping {
    let owner: YAMLField
    let members: [(String, YAMLField)]

    subscript(key: String) -> YAMLField? { members.first { $0.0 == key }?.1 }

    func required(_ key: String, _ hint: String) throws -> YAMLField {
        guard let value = self[key] else { throw owner.failure("missing '\(key)': \(hint)") }
        return value
    }
}
