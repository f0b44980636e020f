import Foundation

/// A study: its features, label and cohort, defined by codes and units rather than by any
/// hospital's column names, so that every site prepares the same dataset from its own export.
///
/// Studies are YAML files (see `Resources/studies/*.yaml`, documented in
/// `Resources/FORMATS.md`). Their identity across sites is the SHA-256 of the file's bytes
/// (`sha256`): prepared datasets carry it and are refused when it differs.
public struct StudySchema: Hashable, Sendable {
    public var id: String
    public var version: Int
    public var title: String
    public var indexDate: IndexDate
    /// The zone the study's calendar days (the index date, ages, windows) are in.
    public var timeZone: StudyTimeZone
    public var cohort: CohortCriteria
    public var missingValues: MissingValuePolicy
    /// A feature missing for more than this share of a site's eligible patients is flagged in
    /// the site's quality report and in the coordinator's view, before imputation hides it.
    public var missingWarningShare: Double
    /// In model-input order.
    public var features: [FeatureDefinition]
    public var label: LabelDefinition
    /// Aliases for local code systems declared by the study (`code_systems:`).
    public var codeSystems: [String: CodeSystem]
    /// One-way maps applied to condition codes (features and label): a record coded in the
    /// map's source system is also read as its targets.
    public var codeMap: CodeMap
    /// Lowercase hex SHA-256 of the study file's bytes.
    public var sha256: String
    /// Where the study was read from, for messages.
    public var source: String

    public init(
        id: String, version: Int = 1, title: String = "", indexDate: IndexDate, timeZone: StudyTimeZone = .utc,
        cohort: CohortCriteria = CohortCriteria(),
        missingValues: MissingValuePolicy, missingWarningShare: Double = StudySchema.defaultMissingWarningShare, features: [FeatureDefinition],
        label: LabelDefinition,
        codeSystems: [String: CodeSystem] = [:], codeMap: CodeMap = .empty, sha256: String = "", source: String = ""
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.indexDate = indexDate
        self.timeZone = timeZone
        self.cohort = cohort
        self.missingValues = missingValues
        self.missingWarningShare = missingWarningShare
        self.features = features
        self.label = label
        self.codeSystems = codeSystems
        self.codeMap = codeMap
        self.sha256 = sha256
        self.source = source
    }

    /// More than half missing is flagged unless the study says otherwise (`missing.warn_above`).
    public static let defaultMissingWarningShare = 0.5

    /// The studies shipped with Cohort, by name.
    public static var bundledNames: [String] { ClinicalResources.names(in: "studies") }

    /// A shipped study (`synthea-cardiovascular`, `uci-heart-disease`).
    public static func bundled(_ name: String) throws -> StudySchema {
        guard let url = ClinicalResources.url(for: "studies/\(name).yaml") else {
            throw SchemaError(
                file: "study '\(name)'", line: nil, path: "",
                problem: "no such file and no shipped study of that name; use a path to a study .yaml or one of \(bundledNames.joined(separator: ", "))")
        }
        return try load(contentsOf: url)
    }

    /// `nameOrPath` as a file when one exists there, else as a shipped study's name.
    public static func resolve(_ nameOrPath: String) throws -> StudySchema {
        if FileManager.default.fileExists(atPath: nameOrPath) { return try load(contentsOf: URL(fileURLWithPath: nameOrPath)) }
        if nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/") {
            throw SchemaError(file: nameOrPath, line: nil, path: "", problem: "file not found; check the path of the study file")
        }
        return try bundled(nameOrPath)
    }

    public static func load(contentsOf url: URL) throws -> StudySchema {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw SchemaError(file: url.path, line: nil, path: "", problem: "cannot be read (\(error.localizedDescription)); check the path and permissions")
        }
        return try StudySchemaReader(file: url.path).read(bytes)
    }

    /// Parses a study from the bytes of its YAML file; `file` names it in messages.
    public static func parse(_ bytes: Data, file: String) throws -> StudySchema {
        try StudySchemaReader(file: file).read(bytes)
    }

    /// The first 12 hex digits of the hash, for tables and file headers meant for people.
    public var shortHash: String { String(sha256.prefix(12)) }

    public func feature(named name: String) -> FeatureDefinition? { features.first { $0.name == name } }
}
