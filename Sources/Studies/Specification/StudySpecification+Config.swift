import Federation
import Foundation

/// Reading a study from YAML, strictly: an unknown or repeated key, a wrong type or an
/// out-of-range number is refused with the file, the line and the key, before anything runs.
extension StudySpecification {
    /// A study mapping: a `study:` block of `coordinator.yaml`, or a whole study file.
    public init(config node: ConfigNode) throws {
        self.init()
        for (key, value) in try node.entries(allowed: Self.keys) {
            guard let field = CodingKeys(rawValue: key) else { continue }
            try read(field, from: value)
        }
    }

    /// A study file's text, or a coordinator config's (its `study:` block is the study).
    public init(yaml text: String, file: String) throws {
        let document = try ConfigNode.document(text, file: file)
        if let block = try document.studyBlock() {
            try self.init(config: block)
        } else {
            try self.init(config: document)
        }
    }

    /// Reads `url` as a study file or a coordinator config.
    public init(contentsOf url: URL) throws {
        let document = try ConfigNode.load(url)
        try self.init(config: try document.studyBlock() ?? document)
    }

    private mutating func read(_ field: CodingKeys, from value: ConfigNode) throws {
        switch field {
        case .id: id = try value.string()
        case .dataset:
            let name = try value.string()
            guard let benchmark = BenchmarkDataset(rawValue: name.lowercased()) else {
                throw ConfigError(
                    "\(value.location): 'dataset' must be one of \(BenchmarkDataset.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
            }
            dataset = benchmark
        case .study: study = try value.string()
        case .sites: sites = try value.strings()
        case .intendedUse: intendedUse = try value.string()
        case .validationThresholds: validationThresholds = try value.doubles()
        case .validationSubgroups: validationSubgroups = try value.strings()
        case .model: model = try value.string()
        case .strategy: strategy = try value.string()
        case .mu: mu = try value.float()
        case .strategyParameters:
            var parameters: [String: Double] = [:]
            for (key, number) in try value.entries(allowed: Array(Set(AlgorithmRegistry.all.flatMap { $0.defaultParameters.keys })).sorted()) {
                parameters[key] = try number.double()
            }
            strategyParameters = parameters
        case .trimBeta: trimBeta = try value.double()
        case .byzantine: byzantine = try value.int(in: 0...1_000_000)
        case .keep: keep = try value.int(in: 1...1_000_000)
        case .rounds: rounds = try value.int(in: 1...StudyLimits.rounds)
        case .localSteps: localSteps = try value.int(in: 1...StudyLimits.localSteps)
        case .batchSize: batchSize = try value.int(in: 1...StudyLimits.batchSize)
        case .learningRate: learningRate = try value.float()
        case .optimizer: optimizer = try value.string()
        case .momentum: momentum = try value.float()
        case .seed: seed = try value.unsigned()
        case .fraction: fraction = try value.double()
        case .minSites: minSites = try value.int(in: 1...StudyLimits.sites)
        case .evaluateEvery: evaluateEvery = try value.int(in: 1...StudyLimits.rounds)
        case .roundDeadlineSeconds: roundDeadlineSeconds = try value.double(minimum: 0.01)
        case .dpEpsilon: dpEpsilon = try value.double()
        case .dpNoise: dpNoise = try value.double()
        case .dpClip: dpClip = try value.float()
        case .dpDelta: dpDelta = try value.double()
        case .centralDpNoise: centralDpNoise = try value.double()
        case .reproducibleNoise: reproducibleNoise = try value.bool()
        case .secureAggregation: secureAggregation = try value.bool()
        case .normBound: normBound = try value.string()
        case .monitor: monitor = try value.bool()
        case .quarantineThreshold: quarantineThreshold = try value.double()
        case .quarantineRounds: quarantineRounds = try value.int(in: 1...StudyLimits.rounds)
        }
    }
}

extension ConfigNode {
    /// The `study:` mapping of a coordinator config, or nil if this document is a study itself.
    fileprivate func studyBlock() throws -> ConfigNode? {
        guard let mapping = node.mapping, mapping.keys.contains(where: { $0.string == "study" }),
            let value = mapping["study"], value.mapping != nil
        else { return nil }
        return ConfigNode(node: value, file: file, key: "study")
    }

    func float() throws -> Float {
        let value = try double()
        guard abs(value) <= Double(Float.greatestFiniteMagnitude) else {
            throw ConfigError("\(location): '\(key)' is too large for a 32-bit float, got \(value)")
        }
        return Float(value)
    }

    func unsigned() throws -> UInt64 {
        guard let text = scalarText, let value = UInt64(text) else {
            throw ConfigError("\(location): '\(key)' must be a whole number from 0 to \(UInt64.max), got '\(scalarText ?? "a list or mapping")'")
        }
        return value
    }
}
