import Learning

/// A rule by name and parameters, as written in configs and on the command line.
public struct AggregationRuleSpec: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case mean
        case median
        case trimmedMean(beta: Double)
        case krum(f: Int)
        case multiKrum(f: Int, keep: Int)
        case bulyan(f: Int)
        /// Needs the coordinator's root data set (`makeRule(rootData:...)`).
        case flTrust
        /// RECESS-style proactive probing with accumulated trust.
        case recess
    }

    public var kind: Kind
    public var normBound: NormBounded.Bound?

    public init(_ kind: Kind = .mean, normBound: NormBounded.Bound? = nil) {
        self.kind = kind
        self.normBound = normBound
    }

    public var requiresRootData: Bool { kind == .flTrust }

    public func makeRule(rootData: Dataset? = nil, model: ModelSpec, seed: UInt64) throws -> any AggregationRule {
        let base: any AggregationRule
        switch kind {
        case .mean: base = WeightedMean()
        case .median: base = CoordinateMedian()
        case .trimmedMean(let beta): base = try TrimmedMean(beta: beta)
        case .krum(let f): base = try Krum(f: f)
        case .multiKrum(let f, let keep): base = try Krum(f: f, keep: keep)
        case .bulyan(let f): base = try Bulyan(f: f)
        case .recess: base = RecessRule()
        case .flTrust:
            guard let rootData else { throw AggregationRuleError.invalid("FLTrust needs the coordinator's root data set") }
            base = try FLTrust(rootData: rootData, model: model, seed: seed)
        }
        guard let normBound else { return base }
        return try NormBounded(base, bound: normBound)
    }
}
