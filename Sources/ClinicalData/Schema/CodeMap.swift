import Foundation

/// Equivalences between terminologies, with the source of every mapping.
///
/// Hospitals code the same diagnosis differently: Synthea's FHIR export writes hypertension as
/// SNOMED CT 38341003, its CSV export as 59621000, and a billing extract as ICD-10-CM I10. A
/// study names the codes it means; the code map adds their equivalents, so a condition is
/// recognised whichever terminology a site uses. Maps are one hop in both directions (a study
/// that names I10 also matches the SNOMED CT concepts mapped to I10), never transitive.
public struct CodeMap: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var code: ClinicalCode
        public var equivalents: [ClinicalCode]
        /// The concept's name and where the mapping comes from.
        public var note: String
    }

    public var name: String
    /// The citation for the whole table.
    public var source: String
    public var entries: [Entry]

    public init(name: String, source: String, entries: [Entry]) {
        self.name = name
        self.source = source
        self.entries = entries
    }

    public static let empty = CodeMap(name: "none", source: "", entries: [])

    /// `codes` plus every code mapped to or from one of them, in a stable order.
    public func expanding(_ codes: [ClinicalCode]) -> [ClinicalCode] {
        var result = codes
        for code in codes {
            for entry in entries {
                if entry.code == code { result += entry.equivalents }
                if entry.equivalents.contains(code) { result.append(entry.code) }
            }
        }
        var seen = Set<ClinicalCode>()
        return result.filter { seen.insert($0).inserted }
    }

    /// Merges maps (a study may use several).
    public static func merging(_ maps: [CodeMap]) -> CodeMap {
        CodeMap(name: maps.map(\.name).joined(separator: "+"), source: maps.map(\.source).joined(separator: "; "),
                entries: maps.flatMap(\.entries))
    }

    /// A shipped map, `Resources/code-maps/<name>.yaml`.
    public static func bundled(_ name: String) throws -> CodeMap {
        guard let url = ClinicalResources.url(for: "code-maps/\(name).yaml") else {
            let known = ClinicalResources.names(in: "code-maps").joined(separator: ", ")
            throw SchemaError(file: "code map '\(name)'", line: nil, path: "",
                              problem: "no such shipped code map; use one of \(known)")
        }
        return try load(contentsOf: url)
    }

    /// Reads a code map file:
    /// ```
    /// map: snomed-icd10cm
    /// source: NLM SNOMED CT to ICD-10-CM map, ...
    /// entries:
    ///   - code: snomed:38341003
    ///     equivalents: [icd10cm:I10]
    ///     note: Hypertensive disorder, systemic arterial (disorder)
    /// ```
    public static func load(contentsOf url: URL) throws -> CodeMap {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SchemaError(file: url.path, line: nil, path: "", problem: "cannot be read (\(error.localizedDescription))")
        }
        let root = try YAMLField.document(text, file: url.path).mapping(allowing: ["map", "source", "entries"])
        let entries = try root.required("entries", "list the mapped codes").list().map { field in
            let entry = try field.mapping(allowing: ["code", "equivalents", "note"])
            return Entry(code: try entry.required("code", "the concept, e.g. snomed:38341003").code(aliases: [:]),
                         equivalents: try entry.required("equivalents", "the codes it maps to").listOrScalar().map { try $0.code(aliases: [:]) },
                         note: try entry["note"]?.string() ?? "")
        }
        return CodeMap(name: try root.required("map", "name the map").string(),
                       source: try root.required("source", "cite where the mappings come from").string(),
                       entries: entries)
    }
}
