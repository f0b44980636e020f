import Foundation

/// A condition defined by the codes that mean it in each terminology, shipped as data with its
/// source and version (`Resources/value-sets/*.yaml`, format in `Resources/FORMATS.md`).
///
/// A study that names exact codes only (E11.9) calls everything else negative, although a
/// hospital coding E11.65 (type 2 diabetes with hyperglycemia) has the same patients; the label
/// then means different things at different sites. A value set says what the condition is:
/// ICD-10-CM families (a category or subcategory and everything below it, minus exclusions:
/// atrial fibrillation is I48 without the flutter codes I48.3, I48.4 and I48.92) and SNOMED CT
/// concepts listed one by one (Cohort ships no SNOMED CT hierarchy, so a descendant counts only
/// when it is listed).
public struct ValueSet: Hashable, Sendable {
    public enum Pattern: Hashable, Sendable, CustomStringConvertible {
        /// This code and every code below it (ICD-10-CM only).
        case family(ClinicalCode)
        /// Exactly this code.
        case code(ClinicalCode)

        public func matches(_ candidate: ClinicalCode) -> Bool {
            switch self {
            case .family(let family):
                candidate.system == family.system && ICD10CMCode.isIn(candidate.code, family: family.code)
            case .code(let code):
                candidate.system == code.system
                    && (code.system == .icd10cm ? ICD10CMCode.normalized(candidate.code) == ICD10CMCode.normalized(code.code) : candidate.code == code.code)
            }
        }

        public var code: ClinicalCode {
            switch self {
            case .family(let code), .code(let code): code
            }
        }

        /// "icd10cm:I48*" for a family, "snomed:49436004" for a code: the form value-set files use.
        public var description: String {
            switch self {
            case .family(let code): "\(code)*"
            case .code(let code): code.description
            }
        }
    }

    public var name: String
    public var title: String
    /// Where the codes come from, and which release.
    public var source: String
    public var version: String
    /// Words whose presence in a code's display text makes it look related (for the data check).
    public var keywords: [String]
    public var include: [Pattern]
    public var exclude: [Pattern]

    public init(
        name: String, title: String, source: String, version: String, keywords: [String] = [], include: [Pattern],
        exclude: [Pattern] = []
    ) {
        self.name = name
        self.title = title
        self.source = source
        self.version = version
        self.keywords = keywords
        self.include = include
        self.exclude = exclude
    }

    /// Whether `code` is in the value set: some inclusion matches it and no exclusion does.
    public func contains(_ code: ClinicalCode) -> Bool {
        include.contains { $0.matches(code) } && !exclude.contains { $0.matches(code) }
    }

    /// The code systems the value set names.
    public var systems: [CodeSystem] {
        var seen = [CodeSystem]()
        for pattern in include where !seen.contains(pattern.code.system) { seen.append(pattern.code.system) }
        return seen
    }

    // MARK: Files

    /// The value sets shipped with Cohort, by name.
    public static var bundledNames: [String] { ClinicalResources.names(in: "value-sets") }

    /// A shipped value set, `Resources/value-sets/<name>.yaml`.
    public static func bundled(_ name: String) throws -> ValueSet {
        guard let url = ClinicalResources.url(for: "value-sets/\(name).yaml") else {
            throw SchemaError(
                file: "value set '\(name)'", line: nil, path: "",
                problem: "no such shipped value set; use one of \(bundledNames.joined(separator: ", ")) or a path to a value-set .yaml")
        }
        return try load(contentsOf: url)
    }

    /// `nameOrPath` as a file when it names one (ends in .yaml or holds a slash), else a shipped value set.
    public static func resolve(_ nameOrPath: String, relativeTo study: String? = nil) throws -> ValueSet {
        guard nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/") else {
            return try bundled(nameOrPath)
        }
        var url = URL(fileURLWithPath: nameOrPath)
        if !nameOrPath.hasPrefix("/"), let study {
            url = URL(fileURLWithPath: study).deletingLastPathComponent().appendingPathComponent(nameOrPath)
        }
        return try load(contentsOf: url)
    }

    /// Reads a value-set file:
    /// ```
    /// value_set: atrial-fibrillation
    /// title: Atrial fibrillation
    /// version: "2024"
    /// source: ICD-10-CM FY2024 tabular list (CDC NCHS) ...
    /// keywords: [fibrillation]
    /// include: ["icd10cm:I48*", "snomed:49436004"]
    /// exclude: ["icd10cm:I48.3*", "icd10cm:I48.4*", "icd10cm:I48.92"]
    /// ```
    public static func load(contentsOf url: URL) throws -> ValueSet {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SchemaError(file: url.path, line: nil, path: "", problem: "cannot be read (\(error.localizedDescription)); check the value set's path")
        }
        let root = try YAMLField.document(text, file: url.path)
            .mapping(allowing: ["value_set", "title", "version", "source", "keywords", "include", "exclude", "description"])
        func patterns(_ key: String) throws -> [Pattern] {
            try (root[key]?.listOrScalar() ?? []).map { field in
                let text = try field.string()
                let family = text.hasSuffix("*")
                guard let code = ClinicalCode(parsing: family ? String(text.dropLast()) : text) else {
                    throw field.failure(
                        "'\(text)' is not a code; write system:code (icd10cm:E11.65, snomed:44054006), with a trailing * for an ICD-10-CM family")
                }
                guard !family || code.system == .icd10cm else {
                    throw field.failure("'\(text)': families (a trailing *) are ICD-10-CM prefixes; list \(code.system.displayName) codes one by one")
                }
                return family ? .family(code) : .code(code)
            }
        }
        let include = try patterns("include")
        guard !include.isEmpty else { throw root.owner.failure("include: list the codes of the value set (icd10cm:E11* for a family)") }
        return ValueSet(
            name: try root.required("value_set", "name the value set").string(),
            title: try root["title"]?.string() ?? "",
            source: try root.required("source", "cite where the codes come from, with the release").string(),
            version: try root.required("version", "give the release the codes were taken from").string(),
            keywords: try (root["keywords"]?.listOrScalar() ?? []).map { try $0.string().lowercased() },
            include: include, exclude: try patterns("exclude"))
    }
}
