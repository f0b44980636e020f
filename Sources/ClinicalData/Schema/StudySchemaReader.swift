import Crypto
import Foundation

/// Turns a study file's YAML into a checked `StudySchema`.
struct StudySchemaReader {
    let file: String

    func read(_ bytes: Data) throws -> StudySchema {
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw SchemaError(file: file, line: nil, path: "", problem: "is not UTF-8 text; save the study file as UTF-8")
        }
        let root = try YAMLField.document(text, file: file).mapping(allowing: [
            "study", "version", "title", "description", "code_systems", "code_maps", "index_date", "time_zone", "cohort",
            "missing", "features", "label"
        ])
        let id = try root.required("study", "give the study a name, e.g. study: cardiovascular-risk").string()
        var aliases = [String: CodeSystem]()
        if let systems = root["code_systems"] {
            for (alias, uri) in try systems.pairs() { aliases[alias.lowercased()] = CodeSystem(uri: try uri.string()) }
        }
        var maps = [CodeMap]()
        for field in try root["code_maps"]?.listOrScalar() ?? [] {
            do { maps.append(try CodeMap.bundled(try field.string())) } catch let error as SchemaError {
                throw field.failure(error.problem)
            }
        }
        let codeMap = CodeMap.merging(maps)

        let features = try root.required("features", "list the study's features").list().map {
            try feature($0, aliases: aliases)
        }
        guard !features.isEmpty else { throw root.owner.failure("features: the study needs at least one feature") }
        var seen = Set<String>()
        for (field, feature) in zip(try root.required("features", "").list(), features) where !seen.insert(feature.name).inserted {
            throw field.failure("feature name '\(feature.name)' is used twice; names must be unique")
        }

        let missing = try missing(root["missing"])
        return StudySchema(
            id: id,
            version: try root["version"]?.int() ?? 1,
            title: try root["title"]?.string() ?? id,
            indexDate: try indexDate(root["index_date"]),
            timeZone: try timeZone(root["time_zone"]),
            cohort: try cohort(root["cohort"]),
            missingValues: missing.0,
            missingWarningShare: missing.warnAbove,
            features: features,
            label: try label(try root.required("label", "say what the model predicts"), aliases: aliases),
            codeSystems: aliases,
            codeMap: codeMap,
            sha256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(),
            source: file)
    }

    private func indexDate(_ field: YAMLField?) throws -> IndexDate {
        guard let field else { return .lastRecord }
        let text = try field.string()
        switch text {
        case "last_encounter": return .lastEncounter
        case "last_record": return .lastRecord
        default:
            guard let date = CivilDate(text) else {
                throw field.failure("'\(text)' is not a date (YYYY-MM-DD), last_encounter or last_record")
            }
            return .fixed(date)
        }
    }

    private func timeZone(_ field: YAMLField?) throws -> StudyTimeZone {
        guard let field else { return .utc }
        let text = try field.string()
        guard let zone = StudyTimeZone(text) else {
            throw field.failure("'\(text)' is not a time zone; write UTC, an offset such as +01:00, or an IANA name such as Europe/Paris")
        }
        return zone
    }

    private func cohort(_ field: YAMLField?) throws -> CohortCriteria {
        guard let field else { return CohortCriteria() }
        let cohort = try field.mapping(allowing: ["min_age", "max_age", "minimum_history_days", "alive_at_index"])
        let criteria = CohortCriteria(
            minimumAge: try cohort["min_age"]?.int(), maximumAge: try cohort["max_age"]?.int(),
            minimumHistoryDays: try cohort["minimum_history_days"]?.days(minimum: 0),
            aliveAtIndex: try cohort["alive_at_index"]?.bool() ?? true)
        if let low = criteria.minimumAge, let high = criteria.maximumAge, low > high {
            throw field.failure("min_age \(low) is above max_age \(high)")
        }
        return criteria
    }

    private func missing(_ field: YAMLField?) throws -> (MissingValuePolicy, warnAbove: Double) {
        guard let field else { return (.impute(indicator: true), StudySchema.defaultMissingWarningShare) }
        let missing = try field.mapping(allowing: ["policy", "indicator", "warn_above"])
        let warnAbove = try missing["warn_above"]?.double() ?? StudySchema.defaultMissingWarningShare
        guard (0...1).contains(warnAbove) else {
            throw missing["warn_above"]!.failure("warn_above is a share of patients from 0 to 1 (0.5: more than half missing), not \(warnAbove)")
        }
        let policy = try missing["policy"]?.string() ?? "impute"
        switch policy {
        case "drop_row": return (.dropRow, warnAbove)
        case "impute": return (.impute(indicator: try missing["indicator"]?.bool() ?? true), warnAbove)
        default: throw missing["policy"]!.failure("'\(policy)' is not drop_row or impute")
        }
    }

    private func codes(_ mapping: YAMLMapping, aliases: [String: CodeSystem]) throws -> [ClinicalCode] {
        let fields = (try mapping["code"]?.listOrScalar() ?? []) + (try mapping["codes"]?.listOrScalar() ?? [])
        return try fields.map { try $0.code(aliases: aliases) }
    }

    private func feature(_ field: YAMLField, aliases: [String: CodeSystem]) throws -> FeatureDefinition {
        let spec = try field.mapping(allowing: [
            "name", "kind", "code", "codes", "unit", "molar_mass", "aggregation", "window_days", "plausible",
            "out_of_range", "categories", "encoding", "missing_indicator", "bins", "description",
            "value_sets", "status", "verification", "valence", "convert", "censored"
        ])
        let name = try spec.required("name", "name the feature (it becomes the column name)").string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw field.failure("feature name '\(name)' must be letters, digits and underscores")
        }
        let kind = try spec.required("kind", "one of \(FeatureDefinition.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            .choice(FeatureDefinition.Kind.self)
        let codes = try codes(spec, aliases: aliases)
        var condition: ConditionDefinition?
        if kind == .condition {
            condition = try self.condition(spec, codes: codes, field: field)
        } else if let key = ["value_sets", "status", "verification"].first(where: { spec[$0] != nil }) {
            throw spec[key]!.failure("\(key) applies to condition features only")
        }
        let needsCodes: Set<FeatureDefinition.Kind> = [.quantity, .category, .medication]
        if needsCodes.contains(kind), codes.isEmpty {
            throw field.failure("feature '\(name)' (\(kind.rawValue)) needs code: or codes: naming what to read, e.g. loinc:2093-3")
        }

        var unit: String?
        if let unitField = spec["unit"] {
            let text = try unitField.string()
            if let problem = UCUMUnit.problem(with: text) {
                throw unitField.failure("'\(text)' is not a UCUM unit Cohort reads (\(problem))")
            }
            unit = text
        }
        if kind == .quantity, unit == nil {
            throw field.failure("feature '\(name)' needs a canonical UCUM unit (unit: mg/dL, kg, mm[Hg], ...)")
        }
        if kind == .age { unit = unit ?? "a" }

        let defaultAggregation: Aggregation =
            switch kind {
            case .condition, .medication: .present
            case .encounters: .count
            default: .last
            }
        let aggregation = try spec["aggregation"]?.choice(Aggregation.self) ?? defaultAggregation
        switch kind {
        case .condition, .medication, .encounters:
            guard aggregation == .present || aggregation == .count else {
                throw spec["aggregation"]!.failure("a \(kind.rawValue) feature aggregates with present or count")
            }
        case .category:
            guard aggregation == .last else { throw spec["aggregation"]!.failure("a category feature aggregates with last") }
        case .age, .sex:
            guard spec["aggregation"] == nil else { throw spec["aggregation"]!.failure("\(kind.rawValue) takes no aggregation") }
        case .quantity:
            break
        }

        var plausible: PlausibleRange?
        if let rangeField = spec["plausible"] {
            let bounds = try rangeField.list()
            guard bounds.count == 2 else { throw rangeField.failure("write the range as [min, max]") }
            let low = try bounds[0].double()
            let high = try bounds[1].double()
            guard low < high else { throw rangeField.failure("min \(low) must be below max \(high)") }
            plausible = PlausibleRange(low, high)
        } else if kind == .age {
            plausible = PlausibleRange(0, 130)
        }

        var categories = [CategoryDefinition]()
        if let list = spec["categories"] {
            categories = try list.list().map { try category($0, aliases: aliases) }
        } else if kind == .sex {
            categories = [
                CategoryDefinition(name: "female", codes: [], texts: ["female", "f"]),
                CategoryDefinition(name: "male", codes: [], texts: ["male", "m"])
            ]
        }
        if kind == .category || kind == .sex {
            guard categories.count >= 2 else { throw field.failure("feature '\(name)' needs at least two categories") }
            guard Set(categories.map(\.name)).count == categories.count else {
                throw field.failure("feature '\(name)' repeats a category name")
            }
        } else if !categories.isEmpty {
            throw spec["categories"]!.failure("only category and sex features have categories")
        }

        let bins = try spec["bins"]?.int() ?? 100
        guard (1...10_000).contains(bins) else { throw spec["bins"]!.failure("bins must be between 1 and 10000") }
        let windowDays = try spec["window_days"]?.days(minimum: 1)
        let molarMass = try spec["molar_mass"]?.double()
        if let molarMass, molarMass <= 0 { throw spec["molar_mass"]!.failure("molar_mass (g/mol) must be positive") }
        let valence = try spec["valence"]?.int()
        if let valence, !(1...4).contains(valence) { throw spec["valence"]!.failure("valence is the ion's charge, 1 to 4 (2 for calcium)") }
        var conversions = [String: ClinicalConversion]()
        for (unitText, nameField) in try spec["convert"]?.pairs() ?? [] {
            let name = try nameField.string()
            guard let conversion = ClinicalConversion.named(name) else {
                throw nameField.failure("'\(name)' is not a conversion Cohort knows; use one of \(ClinicalConversion.all.map(\.name).joined(separator: ", "))")
            }
            guard UnitTables.ucum(unitText) == conversion.from, unit.map(UnitTables.ucum) == conversion.to else {
                throw nameField.failure(
                    "\(name) reads \(conversion.from) and gives \(conversion.to); the feature's unit is \(unit ?? "none") and the key \(unitText)")
            }
            conversions[unitText] = conversion
        }
        if kind != .quantity, let key = ["valence", "convert", "censored"].first(where: { spec[$0] != nil }) {
            throw spec[key]!.failure("\(key) applies to quantity features only")
        }

        return FeatureDefinition(
            name: name, kind: kind, codes: codes, unit: unit, molarMass: molarMass, aggregation: aggregation,
            windowDays: windowDays, plausible: plausible,
            outOfRange: try spec["out_of_range"]?.choice(OutOfRangePolicy.self) ?? .missing,
            categories: categories,
            encoding: try spec["encoding"]?.choice(CategoryEncoding.self) ?? .oneHotDropFirst,
            missingIndicator: try spec["missing_indicator"]?.bool(),
            bins: bins,
            description: try spec["description"]?.string() ?? "",
            condition: condition, valence: valence, conversions: conversions,
            censored: try spec["censored"]?.choice(CensoredPolicy.self) ?? .drop)
    }

    /// A condition's definition: `codes`, `value_sets` (shipped names or paths), `status` and
    /// `verification`.
    private func condition(_ spec: YAMLMapping, codes: [ClinicalCode], field: YAMLField) throws -> ConditionDefinition {
        var valueSets = [ValueSet]()
        for entry in try spec["value_sets"]?.listOrScalar() ?? [] {
            do { valueSets.append(try ValueSet.resolve(try entry.string(), relativeTo: file)) } catch let error as SchemaError {
                throw entry.failure(error.description)
            }
        }
        guard !codes.isEmpty || !valueSets.isEmpty else {
            throw field.failure("a condition needs value_sets: (e.g. [\(ValueSet.bundledNames.prefix(2).joined(separator: ", "))]) or code:/codes:")
        }
        var verification = ConditionDefinition.defaultVerification
        if let list = spec["verification"] {
            verification = Set(try list.listOrScalar().map { try $0.choice(VerificationStatus.self) })
            if let negated = verification.first(where: \.isNegated) {
                throw list.failure(
                    "\(negated.rawValue) records never count as a diagnosis; list only \(VerificationStatus.allCases.filter { !$0.isNegated }.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard !verification.isEmpty else { throw list.failure("verification: list the statuses that count, e.g. [confirmed, unknown]") }
        }
        return ConditionDefinition(
            codes: codes, valueSets: valueSets,
            status: try spec["status"]?.choice(ConditionStatus.self) ?? .everRecorded,
            verification: verification)
    }

    private func category(_ field: YAMLField, aliases: [String: CodeSystem]) throws -> CategoryDefinition {
        if case .scalar = field.node {
            let name = try field.string()
            return CategoryDefinition(name: name, texts: [name], value: Double(name))
        }
        let spec = try field.mapping(allowing: ["name", "code", "codes", "texts", "value"])
        return CategoryDefinition(
            name: try spec.required("name", "name the category").string(),
            codes: try codes(spec, aliases: aliases),
            texts: try spec["texts"]?.listOrScalar().map { try $0.string() } ?? [],
            value: try spec["value"]?.double())
    }

    private func label(_ field: YAMLField, aliases: [String: CodeSystem]) throws -> LabelDefinition {
        let spec = try field.mapping(allowing: [
            "name", "kind", "code", "codes", "timing", "within_days", "unit", "above", "at_least",
            "value_sets", "status", "verification"
        ])
        let name = try spec.required("name", "name the label").string()
        let kind = try spec.required("kind", "condition or observation").string()
        let listed = try codes(spec, aliases: aliases)
        switch kind {
        case "condition":
            let timing: LabelDefinition.ConditionTiming
            switch try spec["timing"]?.string() ?? "on_or_before_index" {
            case "on_or_before_index": timing = .onOrBeforeIndex
            case "after_index": timing = .afterIndex(days: try spec["within_days"]?.days(minimum: 1))
            case "any": timing = .any
            case let other: throw spec["timing"]!.failure("'\(other)' is not on_or_before_index, after_index or any")
            }
            let condition = try self.condition(spec, codes: listed, field: field)
            if condition.status == .activeAtIndex, timing != .onOrBeforeIndex {
                throw spec["status"]!.failure("status: active_at_index asks about the index date; it needs timing: on_or_before_index")
            }
            return LabelDefinition(name: name, rule: .condition(condition, timing: timing))
        case "observation":
            guard !listed.isEmpty else { throw field.failure("the label needs code: or codes:") }
            if let key = ["value_sets", "status", "verification"].first(where: { spec[$0] != nil }) {
                throw spec[key]!.failure("\(key) applies to condition labels only")
            }
            let above = try spec["above"]?.double()
            let atLeast = try spec["at_least"]?.double()
            guard (above == nil) != (atLeast == nil) else {
                throw field.failure("an observation label needs exactly one of above: or at_least: (the threshold)")
            }
            var unit: String?
            if let unitField = spec["unit"] {
                unit = try unitField.string()
                if let problem = UCUMUnit.problem(with: unit!) {
                    throw unitField.failure("'\(unit!)' is not a UCUM unit Cohort reads (\(problem))")
                }
            }
            return LabelDefinition(
                name: name,
                rule: .observation(
                    codes: listed, unit: unit, threshold: above ?? atLeast!,
                    inclusive: atLeast != nil))
        default:
            throw spec["kind"]!.failure("'\(kind)' is not condition or observation")
        }
    }
}
