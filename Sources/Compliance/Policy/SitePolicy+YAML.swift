import Crypto
import Foundation
import Yams

/// Reading a policy file. The format, every key:
///
///     site: site-a                       # required: the site this policy governs
///     steward: Dr. Ana Ruiz              # required: who owns it
///     allowed_models: [logistic, mlp]    # required, non-empty: logistic, mlp, cnn
///     max_parameters: 100000             # optional, > 0
///     require_secure_aggregation: false  # optional, default false
///     differential_privacy:              # optional
///       required: true                   #   every study must use DP-SGD
///       max_epsilon: 8                   #   > 0: the site's cumulative budget ...
///       delta: 1.0e-5                    #   ... at this delta, in (0, 1)
///     min_rows_per_update: 50            # required, >= 1
///     allowed_coordinators:              # optional: certificate SHA-256 fingerprints
///       - "SHA256:3F:..."
///
/// Strict on purpose: an unknown key (a typo such as `min_row_per_update` would otherwise
/// silently disable a rule), a duplicate, a wrong type or a contradiction is refused with its
/// line, never ignored or clamped.
extension SitePolicy {
    public init(yaml text: String, source: String = "policy") throws(SitePolicyError) {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw SitePolicyError(source: source, line: Self.line(of: error), reason: "not valid YAML: \(Self.firstLine(error))")
        }
        guard let root, case .mapping(let mapping) = root else {
            throw SitePolicyError(source: source, line: root?.mark?.line, reason: "a policy is a mapping of keys (site, steward, ...)")
        }
        let document = PolicyMapping(mapping: mapping, source: source, path: "")
        try document.refuseUnknown([
            "site", "steward", "allowed_models", "max_parameters", "require_secure_aggregation",
            "differential_privacy", "min_rows_per_update", "allowed_coordinators"
        ])
        site = try document.string("site")
        steward = try document.string("steward")

        let models = try document.strings("allowed_models")
        guard !models.values.isEmpty else {
            throw document.error(
                "allowed_models", "is empty: no study could ever run; list at least one of \(SitePolicy.knownModelKinds.sorted().joined(separator: ", "))")
        }
        for (model, line) in zip(models.values, models.lines) where !SitePolicy.knownModelKinds.contains(model.lowercased()) {
            throw SitePolicyError(
                source: source, line: line,
                reason: "allowed_models: unknown model '\(model)' (known: \(SitePolicy.knownModelKinds.sorted().joined(separator: ", ")))")
        }
        allowedModels = Set(models.values.map { $0.lowercased() })

        maxParameters = try document.optionalInteger("max_parameters")
        if let maxParameters, maxParameters <= 0 {
            throw document.error("max_parameters", "must be positive, got \(maxParameters): no model could ever run")
        }
        requireSecureAggregation = try document.optionalBool("require_secure_aggregation") ?? false

        if let nested = try document.optionalMapping("differential_privacy") {
            let dp = PolicyMapping(mapping: nested, source: source, path: "differential_privacy.")
            try dp.refuseUnknown(["required", "max_epsilon", "delta"])
            let required = try dp.bool("required")
            let maxEpsilon = try dp.number("max_epsilon")
            guard maxEpsilon > 0, maxEpsilon.isFinite else {
                throw dp.error(
                    "max_epsilon",
                    required
                        ? "must be positive, got \(CanonicalJSON.number(maxEpsilon)): DP is required but no epsilon could be spent"
                        : "must be positive, got \(CanonicalJSON.number(maxEpsilon))")
            }
            let delta = try dp.number("delta")
            guard delta > 0, delta < 1 else { throw dp.error("delta", "must be in (0, 1), got \(CanonicalJSON.number(delta))") }
            differentialPrivacy = DifferentialPrivacyRule(required: required, maxEpsilon: maxEpsilon, delta: delta)
        } else {
            differentialPrivacy = nil
        }

        minRowsPerUpdate = try document.integer("min_rows_per_update")
        guard minRowsPerUpdate >= 1 else { throw document.error("min_rows_per_update", "must be at least 1, got \(minRowsPerUpdate)") }

        var coordinators: Set<String> = []
        if document.has("allowed_coordinators") {
            let listed = try document.strings("allowed_coordinators")
            guard !listed.values.isEmpty else {
                throw document.error(
                    "allowed_coordinators", "is empty: no coordinator could ever be accepted; remove the key to leave coordinators unrestricted")
            }
            for (text, line) in zip(listed.values, listed.lines) {
                guard let fingerprint = CertificateFingerprint.normalized(text) else {
                    throw SitePolicyError(source: source, line: line, reason: "allowed_coordinators: '\(text)' is not a SHA-256 fingerprint (64 hex digits)")
                }
                coordinators.insert(fingerprint)
            }
        }
        allowedCoordinators = coordinators
        policyHash = Hex.string(SHA256.hash(data: Array(text.utf8)))
    }

    public init(contentsOf url: URL) throws(SitePolicyError) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SitePolicyError(source: url.path, line: nil, reason: "cannot read the file")
        }
        try self.init(yaml: text, source: url.path)
    }

    private static func line(of error: any Error) -> Int? {
        guard let yaml = error as? YamlError else { return nil }
        switch yaml {
        case .scanner(let context, _, let mark, _): return context?.mark.line ?? mark.line
        case .parser(let context, _, let mark, _): return context?.mark.line ?? mark.line
        case .composer(let context, _, let mark, _): return context?.mark.line ?? mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    private static func firstLine(_ error: any Error) -> String {
        if let yaml = error as? YamlError, case .duplicatedKeysInMapping(let keys, _) = yaml {
            return "duplicate key '\(keys.joined(separator: "', '"))'"
        }
        return "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
    }
}

/// One YAML mapping of a policy, read strictly, with every error on its line.
private struct PolicyMapping {
    var mapping: Node.Mapping
    var source: String
    var path: String

    func refuseUnknown(_ known: [String]) throws(SitePolicyError) {
        for (key, _) in mapping {
            guard let name = key.string, known.contains(name) else {
                throw SitePolicyError(
                    source: source, line: key.mark?.line,
                    reason: "unknown key '\(path)\(key.string ?? "?")' (allowed here: \(known.joined(separator: ", ")))")
            }
        }
    }

    func has(_ key: String) -> Bool { node(key) != nil }

    private func node(_ key: String) -> (key: Node, value: Node)? {
        mapping.first { $0.key.string == key }
    }

    func error(_ key: String, _ reason: String) -> SitePolicyError {
        let entry = node(key)
        return SitePolicyError(
            source: source, line: entry?.value.mark?.line ?? entry?.key.mark?.line ?? mapping.mark?.line,
            reason: "\(path)\(key) \(reason)")
    }

    private func required(_ key: String) throws(SitePolicyError) -> Node {
        guard let entry = node(key) else {
            throw SitePolicyError(source: source, line: mapping.mark?.line, reason: "missing key '\(path)\(key)'")
        }
        return entry.value
    }

    private func scalar(_ value: Node, _ key: String, _ expected: String) throws(SitePolicyError) -> Node.Scalar {
        guard case .scalar(let scalar) = value else { throw error(key, "must be \(expected)") }
        return scalar
    }

    func string(_ key: String) throws(SitePolicyError) -> String {
        let value = try required(key)
        let text = try scalar(value, key, "text").string.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, value.tag.is("str") else { throw error(key, "must be non-empty text") }
        return text
    }

    func strings(_ key: String) throws(SitePolicyError) -> (values: [String], lines: [Int?]) {
        let value = try required(key)
        guard case .sequence(let sequence) = value else { throw error(key, "must be a list") }
        var values: [String] = []
        var lines: [Int?] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, !scalar.string.isEmpty else {
                throw SitePolicyError(source: source, line: item.mark?.line, reason: "\(path)\(key): every item must be text")
            }
            values.append(scalar.string)
            lines.append(item.mark?.line)
        }
        return (values, lines)
    }

    func bool(_ key: String) throws(SitePolicyError) -> Bool {
        let value = try required(key)
        guard let flag = value.bool, value.tag.is("bool") else { throw error(key, "must be true or false") }
        return flag
    }

    func optionalBool(_ key: String) throws(SitePolicyError) -> Bool? {
        has(key) ? try bool(key) : nil
    }

    func number(_ key: String) throws(SitePolicyError) -> Double {
        let value = try required(key)
        guard value.tag.is("float") || value.tag.is("int"), let number = value.float ?? value.int.map(Double.init) else {
            throw error(key, "must be a number")
        }
        return number
    }

    func integer(_ key: String) throws(SitePolicyError) -> Int {
        let value = try required(key)
        guard value.tag.is("int"), let number = value.int else { throw error(key, "must be a whole number") }
        return number
    }

    func optionalInteger(_ key: String) throws(SitePolicyError) -> Int? {
        has(key) ? try integer(key) : nil
    }

    func optionalMapping(_ key: String) throws(SitePolicyError) -> Node.Mapping? {
        guard let entry = node(key) else { return nil }
        guard case .mapping(let nested) = entry.value else { throw error(key, "must be a mapping (required, max_epsilon, delta)") }
        return nested
    }
}

extension Tag {
    /// Whether the resolved YAML 1.1 core tag is `name` (str, bool, int, float).
    fileprivate func `is`(_ name: String) -> Bool { description.hasSuffix(":" + name) }
}
