import Learning

/// Why an update was refused before it could touch the aggregate.
public enum UpdateRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongStudy(expected: String, got: String)
    case wrongRound(expected: Int, got: Int)
    case wrongSite(expected: SiteID, got: SiteID)
    case duplicate(SiteID)
    case wrongShape(expected: Int, got: Int)
    case nonFinite(index: Int)
    case noSamples
    case missingControlDelta
    case invalidMask
    case unsealed
    /// The transport could not read a deferred update back (its spool file failed).
    case unreadable(String)

    public var description: String {
        switch self {
        case .wrongStudy(let expected, let got): "update is for study '\(got)', not '\(expected)'"
        case .wrongRound(let expected, let got): "update is for round \(got), the round in progress is \(expected) (stale or replayed)"
        case .wrongSite(let expected, let got): "update claims to come from \(got) but was sent by \(expected)"
        case .duplicate(let site): "second update from \(site) in the same round"
        case .wrongShape(let expected, let got): "update has \(got) values, the model has \(expected)"
        case .nonFinite(let index): "update holds NaN or infinity (first at index \(index))"
        case .noSamples: "update was computed on zero examples"
        case .missingControlDelta: "SCAFFOLD update without a control-variate delta"
        case .invalidMask: "Lockdown update without a 0/1 subspace mask of the model's size"
        case .unsealed: "the round uses secure aggregation, but the site sent its update in the clear (it was discarded)"
        case .unreadable(let reason): "update could not be read back: \(reason)"
        }
    }
}

/// The checks every update passes before it is folded into a round's aggregate. Cheap
/// (one pass over the vector) compared to training, and the only thing standing between a
/// broken or malicious site and the global model.
public struct UpdateCheck: Sendable {
    public let study: String
    public let round: Int
    public let parameterCount: Int
    public let needsControlDelta: Bool
    public let needsMask: Bool
    /// Secure aggregation: the answer must carry no vectors (the update stays at the site).
    public let sealed: Bool

    public init(study: String, round: Int, parameterCount: Int, needsControlDelta: Bool = false, needsMask: Bool = false,
                sealed: Bool = false) {
        self.sealed = sealed
        self.needsMask = needsMask
        self.study = study
        self.round = round
        self.parameterCount = parameterCount
        self.needsControlDelta = needsControlDelta
    }

    public func validate(_ update: SiteUpdate, from sender: SiteID) throws(UpdateRejection) {
        guard update.study == study else { throw .wrongStudy(expected: study, got: update.study) }
        guard update.round == round else { throw .wrongRound(expected: round, got: update.round) }
        guard update.site == sender else { throw .wrongSite(expected: sender, got: update.site) }
        if sealed {
            guard UpdateVectorKind.allCases.allSatisfy({ (update.count(of: $0) ?? 0) == 0 }) else { throw .unsealed }
            guard update.sampleCount > 0 else { throw .noSamples }
            return
        }
        let count = update.count(of: .delta) ?? 0
        guard count == parameterCount else { throw .wrongShape(expected: parameterCount, got: count) }
        guard update.sampleCount > 0 else { throw .noSamples }
        try requireFinite(.delta, of: update)
        if needsControlDelta {
            guard let count = update.count(of: .controlDelta) else { throw .missingControlDelta }
            guard count == parameterCount else { throw .wrongShape(expected: parameterCount, got: count) }
            try requireFinite(.controlDelta, of: update)
        }
        if needsMask {
            guard update.count(of: .mask) == parameterCount else { throw .invalidMask }
            var binary = true
            try read(.mask, of: update) { _, values in
                if binary, FloatScan.firstNonBinary(in: values) != nil { binary = false }
            }
            guard binary else { throw .invalidMask }
        }
    }

    private func requireFinite(_ kind: UpdateVectorKind, of update: SiteUpdate) throws(UpdateRejection) {
        var first: Int?
        try read(kind, of: update) { range, values in
            if first == nil, let offset = FloatScan.firstNonFinite(in: values) { first = range.lowerBound + offset }
        }
        if let first { throw .nonFinite(index: first) }
    }

    /// Reads a vector wherever it is; one that cannot be read back is refused like a broken upload.
    private func read(_ kind: UpdateVectorKind, of update: SiteUpdate,
                      _ body: (Range<Int>, UnsafeBufferPointer<Float>) -> Void) throws(UpdateRejection) {
        do { try update.forEachChunk(of: kind, body) } catch { throw .unreadable(String(describing: error)) }
    }
}
