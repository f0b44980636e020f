import Foundation

/// A one-way mapping from one terminology into another, with its direction and its source.
///
/// A SNOMED CT concept can be read as the ICD-10-CM code an unqualified diagnosis of it is
/// classified to (44054006, type 2 diabetes mellitus, as E11.9); the reverse is false, because an
/// ICD-10-CM code is a class with its own meaning (E11.9 is type 2 diabetes *without
/// complications*), not the concept. So a map applies in its direction only: a record coded
/// in `from` is also read as its targets in `to`, and nothing is read backwards.
public struct CodeMap: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var from: ClinicalCode
        public var to: [ClinicalCode]
        /// The concept's name and the target's.
        public var note: String
    }

    public var name: String
    /// Where the mappings come from, as precisely as is true.
    public var source: String
    public var from: CodeSystem?
    public var to: CodeSystem?
    public var entries: [Entry]
    private var index: [ClinicalCode: [ClinicalCode]]

    public init(name: String, source: String, from: CodeSystem?, to: CodeSystem?, entries: [Entry]) {
        self.name = name
        self.source = source
        self.from = from
        self.to = to
        self.entries = entries
        var index = [ClinicalCode: [ClinicalCode]]()
        for entry in entries { index[entry.from, default: []] += entry.to }
        self.index = index
    }

    public static let empty = CodeMap(name: "none", source: "", from: nil, to: nil, entries: [])

    /// The codes `code` is read as, in the map's direction only (empty: not mapped).
    public func targets(of code: ClinicalCode) -> [ClinicalCode] { index[code] ?? [] }

    /// The systems whose codes the map reads.
    public var sourceSystems: [CodeSystem] {
        var seen = [CodeSystem]()
        for entry in entries where !seen.contains(entry.from.system) { seen.append(entry.from.system) }
        return seen
    }

    /// Merges maps (a study may use several).
    public static func merging(_ maps: [CodeMap]) -> CodeMap {
        guard maps.count != 1 else { return maps[0] }
        return CodeMap(
            name: maps.map(\.name).joined(separator: "+"), source: maps.map(\.source).joined(separator: "; "),
            from: nil, to: nil, entries: maps.flatMap(\.entries))
    }

    /// A shipped map, `Resources/code-maps/<name>.yaml`.
    public static func bundled(_ name: String) throws -> CodeMap {
        guard let url = ClinicalResources.url(for: "code-maps/\(name).yaml") else {
            let known = ClinicalResources.names(in: "code-maps").joined(separator: ", ")
            throw SchemaError(
                file: "code map '\(name)'", line: nil, path: "",
                problem: "no such shipped code map; use one of \(known)")
        }
        return try load(contentsOf: url)
    }

    /// Reads a code map file:
    /// ```
    /// map: snomed-icd10cm
    /// from: snomed
    /// to: icd10cm
    /// source: written by hand for ...; not generated from a release of the NLM map
    /// entries:
    ///   - {from: "snomed:38341003", to: ["icd10cm:I10"], note: Hypertensive disorder -> I10}
    /// ```
    public static func load(contentsOf url: URL) throws -> CodeMap {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SchemaError(file: url.path, line: nil, path: "", problem: "cannot be read (\(error.localizedDescription))")
        }
        let root = try YAMLField.document(text, file: url.path).mapping(allowing: ["map", "from", "to", "source", "entries"])
        let from = try root.required("from", "the system the map reads (a map runs one way), e.g. from: snomed").codeSystem()
        let to = try root.required("to", "the system it maps into, e.g. to: icd10cm").codeSystem()
        let entries = try root.required("entries", "list the mapped codes").list().map { field in
            let entry = try field.mapping(allowing: ["from", "to", "note"])
            let source = try entry.required("from", "the code read, e.g. snomed:38341003").code(aliases: [:])
            guard source.system == from else { throw field.failure("from: \(source) is not a \(from.displayName) code, as the map's from: says") }
            let targets = try entry.required("to", "the codes it is read as (one way)").listOrScalar().map { try $0.code(aliases: [:]) }
            if let wrong = targets.first(where: { $0.system != to }) {
                throw field.failure("to: \(wrong) is not a \(to.displayName) code, as the map's to: says")
            }
            return Entry(from: source, to: targets, note: try entry["note"]?.string() ?? "")
        }
        return CodeMap(
            name: try root.required("map", "name the map").string(),
            source: try root.required("source", "say where the mappings come from, and only what is true").string(),
            from: from, to: to, entries: entries)
    }
}

extension YAMLField {
    /// A code system's short name (snomed, icd10cm, ...).
    func codeSystem() throws -> CodeSystem {
        let text = try string()
        guard let system = CodeSystem.wellKnown[text.lowercased()] else {
            throw failure("'\(text)' is not a code system; use one of \(CodeSystem.wellKnown.keys.sorted().joined(separator: ", "))")
        }
        return system
    }
}
