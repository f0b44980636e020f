import Foundation

/// Plan files: JSON with the canonical keys. Reading is strict, because a key the hash does
/// not cover would be a setting nobody approved: unknown keys, missing keys and wrong types
/// are refused with the key's path.
extension TrainingPlan {
    public init(json data: Data, source: String = "plan") throws(TrainingPlanError) {
        let root: AuditFields
        do { root = try JSONDecoder().decode(AuditFields.self, from: data) } catch {
            throw TrainingPlanError(source: source, reason: "not a JSON object")
        }
        let reader = PlanReader(values: root, path: "", source: source)
        try reader.refuseUnknown(Self.keys)
        var privacy: PlanPrivacy?
        switch root["privacy"] {
        case .object(let values):
            let dp = PlanReader(values: values, path: "privacy.", source: source)
            try dp.refuseUnknown(PlanPrivacy.keys)
            privacy = PlanPrivacy(
                clipNorm: try dp.number("clip_norm"), noiseMultiplier: try dp.optionalNumber("noise_multiplier"),
                targetEpsilon: try dp.optionalNumber("target_epsilon"),
                expectedBatchSize: try dp.number("expected_batch_size"), delta: try dp.number("delta"))
        case .null: privacy = nil
        case nil: throw TrainingPlanError(source: source, reason: "missing key 'privacy' (null when the plan uses no DP)")
        default: throw TrainingPlanError(source: source, reason: "'privacy' must be an object or null")
        }
        self.init(
            study: try reader.string("study"), model: try reader.string("model"), parameterCount: try reader.integer("parameter_count"),
            strategy: try reader.string("strategy"), strategyParameters: try reader.numbers("strategy_parameters"),
            aggregation: try reader.string("aggregation"), rounds: try reader.integer("rounds"),
            localSteps: try reader.integer("local_steps"), batchSize: try reader.integer("batch_size"),
            optimizer: try reader.string("optimizer"), learningRate: try reader.number("learning_rate"),
            optimizerParameters: try reader.numbers("optimizer_parameters"), privacy: privacy,
            secureAggregation: try reader.bool("secure_aggregation"), schemaHash: try reader.string("schema_hash"))
    }

    public init(contentsOf url: URL) throws(TrainingPlanError) {
        guard let data = try? Data(contentsOf: url) else { throw TrainingPlanError(source: url.path, reason: "cannot read the file") }
        try self.init(json: data, source: url.path)
    }

    /// The plan file's text: the canonical encoding plus a newline.
    public var fileContents: String { canonicalJSON + "\n" }
}

public struct TrainingPlanError: Error, Hashable, Sendable, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "\(source): \(reason)" }
}

/// Typed, strict access to one JSON object of a plan file.
private struct PlanReader {
    var values: AuditFields
    var path: String
    var source: String

    func refuseUnknown(_ known: [String]) throws(TrainingPlanError) {
        if let unknown = values.pairs.map(\.key).sorted().first(where: { !known.contains($0) }) {
            throw TrainingPlanError(source: source, reason: "unknown key '\(path)\(unknown)' (a plan holds only \(known.joined(separator: ", ")))")
        }
    }

    private func value(_ key: String) throws(TrainingPlanError) -> AuditValue {
        guard let value = values[key] else { throw TrainingPlanError(source: source, reason: "missing key '\(path)\(key)'") }
        return value
    }

    private func wrong(_ key: String, _ expected: String) -> TrainingPlanError {
        TrainingPlanError(source: source, reason: "'\(path)\(key)' must be \(expected)")
    }

    func string(_ key: String) throws(TrainingPlanError) -> String {
        guard case .string(let text) = try value(key) else { throw wrong(key, "a string") }
        return text
    }

    func bool(_ key: String) throws(TrainingPlanError) -> Bool {
        guard case .bool(let flag) = try value(key) else { throw wrong(key, "true or false") }
        return flag
    }

    func number(_ key: String) throws(TrainingPlanError) -> Double {
        switch try value(key) {
        case .integer(let number): return Double(number)
        case .number(let number) where number.isFinite: return number
        default: throw wrong(key, "a number")
        }
    }

    func optionalNumber(_ key: String) throws(TrainingPlanError) -> Double? {
        guard let raw = values[key], raw != .null else { return nil }
        return try number(key)
    }

    func integer(_ key: String) throws(TrainingPlanError) -> Int {
        guard case .integer(let number) = try value(key) else { throw wrong(key, "a whole number") }
        return number
    }

    func numbers(_ key: String) throws(TrainingPlanError) -> [String: Double] {
        guard case .object(let object) = try value(key) else { throw wrong(key, "an object of numbers") }
        var result: [String: Double] = [:]
        for pair in object.pairs {
            switch pair.value {
            case .integer(let number): result[pair.key] = Double(number)
            case .number(let number) where number.isFinite: result[pair.key] = number
            default: throw wrong("\(key).\(pair.key)", "a number")
            }
        }
        return result
    }
}
