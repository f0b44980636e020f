import Foundation

/// How one site's CSV extract maps onto study codes: a column (by header name, or by
/// position for files without a header row) to a code and unit, demographics, and the
/// markers that mean "missing".
///
/// ```
/// mapping: uci-heart-disease-processed
/// header: false
/// missing: ["?"]
/// code_systems: {uci: "https://archive.ics.uci.edu/dataset/45"}
/// columns:
///   - {position: 1, name: age, demographic: age, unit: a}
///   - {position: 2, name: sex, demographic: sex, values: {"1": male, "0": female}}
///   - {position: 5, name: chol, code: "loinc:2093-3", unit: mg/dL, missing: ["?", "0"]}
///   - {position: 14, name: num, code: "uci:num", unit: "1"}
/// ```
public struct CSVMapping: Hashable, Sendable {
    public enum Target: Hashable, Sendable {
        case patientID, age, sex, birthDate, deathDate, city, county, postalCode
        /// The date of every value on the row (without it, rows are undated snapshots).
        case recordDate
        /// The cell is the value of an observation with this code.
        case observation(ClinicalCode)
        /// The cell lists condition codes of this system, separated by `;`.
        case conditions(CodeSystem)
        /// The cell lists medication codes of this system, separated by `;`.
        case medications(CodeSystem)
    }

    public struct Column: Hashable, Sendable {
        /// 1-based position (files without a header row).
        public var position: Int?
        /// Header name (files with a header row).
        public var header: String?
        /// For messages: the header, or the name given to a position.
        public var name: String
        public var target: Target
        public var unit: String?
        /// Texts meaning "missing" in this column (replaces the file-wide list).
        public var missing: [String]?
        /// Recodes cell values before use, e.g. "1" -> "male" (numbers compare numerically).
        public var values: [String: String]
    }

    public var name: String
    public var hasHeader: Bool
    public var delimiter: UInt8
    /// Texts meaning "missing" in every column; the empty cell always does.
    public var missing: [String]
    public var codeSystems: [String: CodeSystem]
    public var columns: [Column]
    public var source: String

    public func missingMarkers(for column: Column) -> [String] { [""] + (column.missing ?? missing) }

    /// A shipped mapping (`Resources/mappings/<name>.yaml`).
    public static func bundled(_ name: String) throws -> CSVMapping {
        guard let url = ClinicalResources.url(for: "mappings/\(name).yaml") else {
            throw SchemaError(
                file: "mapping '\(name)'", line: nil, path: "",
                problem:
                    "no such file and no shipped mapping of that name; use a path or one of \(ClinicalResources.names(in: "mappings").joined(separator: ", "))")
        }
        return try load(contentsOf: url)
    }

    /// `nameOrPath` as a file when one exists there, else a shipped mapping's name.
    public static func resolve(_ nameOrPath: String) throws -> CSVMapping {
        if FileManager.default.fileExists(atPath: nameOrPath) { return try load(contentsOf: URL(fileURLWithPath: nameOrPath)) }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") {
            throw SchemaError(file: nameOrPath, line: nil, path: "", problem: "file not found; check the path of the mapping file")
        }
        return try bundled(nameOrPath)
    }

    public static func load(contentsOf url: URL) throws -> CSVMapping {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SchemaError(file: url.path, line: nil, path: "", problem: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, file: url.path)
    }

    public static func parse(_ text: String, file: String) throws -> CSVMapping {
        let root = try YAMLField.document(text, file: file).mapping(allowing: [
            "mapping", "description", "header", "delimiter", "missing", "code_systems", "columns"
        ])
        var aliases = [String: CodeSystem]()
        if let systems = root["code_systems"] {
            for (alias, uri) in try systems.pairs() { aliases[alias.lowercased()] = CodeSystem(uri: try uri.string()) }
        }
        let hasHeader = try root["header"]?.bool() ?? true
        var delimiter = UInt8(ascii: ",")
        if let field = root["delimiter"] {
            let text = try field.string()
            let resolved = text == "\\t" || text == "tab" ? "\t" : text
            guard resolved.utf8.count == 1 else { throw field.failure("the delimiter must be one character, e.g. ',' ';' or tab") }
            delimiter = resolved.utf8.first!
        }
        let columnFields = try root.required("columns", "list the columns to read").list()
        var columns = [Column]()
        for field in columnFields {
            let spec = try field.mapping(allowing: [
                "position", "column", "name", "demographic", "code", "conditions", "medications",
                "unit", "missing", "values"
            ])
            let position = try spec["position"]?.int()
            let header = try spec["column"]?.string()
            if hasHeader {
                guard header != nil || position != nil else { throw field.failure("give column: (the header name) or position:") }
            } else {
                guard let position else { throw field.failure("the file has no header row (header: false): give position: (1-based)") }
                guard position >= 1 else { throw spec["position"]!.failure("positions start at 1") }
            }
            let targets = ["demographic", "code", "conditions", "medications"].filter { spec[$0] != nil }
            guard targets.count == 1 else {
                throw field.failure(
                    "give exactly one of demographic:, code:, conditions:, medications: (found \(targets.isEmpty ? "none" : targets.joined(separator: ", ")))")
            }
            let target: Target
            if let demographic = spec["demographic"] {
                switch try demographic.string() {
                case "patient_id": target = .patientID
                case "age": target = .age
                case "sex": target = .sex
                case "birth_date": target = .birthDate
                case "death_date": target = .deathDate
                case "city": target = .city
                case "county": target = .county
                case "postal_code": target = .postalCode
                case "record_date": target = .recordDate
                case let other:
                    throw demographic.failure("'\(other)' is not one of patient_id, age, sex, birth_date, death_date, city, county, postal_code, record_date")
                }
            } else if let code = spec["code"] {
                target = .observation(try code.code(aliases: aliases))
            } else {
                let key = spec["conditions"] != nil ? "conditions" : "medications"
                let systemName = try spec[key]!.string()
                guard let system = aliases[systemName.lowercased()] ?? CodeSystem.wellKnown[systemName.lowercased()] else {
                    throw spec[key]!.failure("'\(systemName)' is not a code system (loinc, snomed, icd10cm, rxnorm or one under code_systems)")
                }
                target = key == "conditions" ? .conditions(system) : .medications(system)
            }
            if let unitField = spec["unit"] {
                let unit = try unitField.string()
                // UCUM, or a text of the synonym table (mmHg, lbs), read as its UCUM form.
                if let problem = UCUMUnit.problem(with: UnitTables.ucum(unit)) {
                    throw unitField.failure("'\(unit)' is not a UCUM unit Cohort reads (\(problem))")
                }
            }
            var values = [String: String]()
            if let recode = spec["values"] {
                for (key, value) in try recode.pairs() { values[key] = try value.string() }
            }
            columns.append(
                Column(
                    position: position, header: header,
                    name: try spec["name"]?.string() ?? header ?? "column \(position ?? 0)",
                    target: target, unit: try spec["unit"]?.string(),
                    missing: try spec["missing"]?.listOrScalar().map { try $0.string() },
                    values: values))
        }
        return CSVMapping(
            name: try root["mapping"]?.string() ?? (file as NSString).lastPathComponent,
            hasHeader: hasHeader, delimiter: delimiter,
            missing: try root["missing"]?.listOrScalar().map { try $0.string() } ?? [],
            codeSystems: aliases, columns: columns, source: file)
    }
}
