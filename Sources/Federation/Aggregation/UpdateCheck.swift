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
    /// The algorithm declares this vector; the update lacks it.
    case missingVector(VectorName)
    /// The update carries a vector its algorithm does not declare.
    case undeclaredVector(VectorName)
    /// A declared vector of the wrong size, or with values outside its domain.
    case invalidVector(VectorName, reason: String)
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
        case .missingVector(let name): "update lacks its algorithm's '\(name)' vector"
        case .undeclaredVector(let name): "update carries a '\(name)' vector its algorithm does not declare (refused)"
        case .invalidVector(let name, let reason): "update's '\(name)' vector \(reason)"
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
    /// What the algorithm's sites send beside the delta: exactly these, nothing else.
    public let vectors: [VectorDeclaration]
    /// Secure aggregation: the answer must carry no vectors (the update stays at the site).
    public let sealed: Bool

    public init(study: String, round: Int, parameterCount: Int, vectors: [VectorDeclaration] = [], sealed: Bool = false) {
        self.sealed = sealed
        self.vectors = vectors
        self.study = study
        self.round = round
        self.parameterCount = parameterCount
    }

    public func validate(_ update: SiteUpdate, from sender: SiteID) throws(UpdateRejection) {
        guard update.study == study else { throw .wrongStudy(expected: study, got: update.study) }
        guard update.round == round else { throw .wrongRound(expected: round, got: update.round) }
        guard update.site == sender else { throw .wrongSite(expected: sender, got: update.site) }
        if sealed {
            guard update.vectorNames.allSatisfy({ (update.count(of: $0) ?? 0) == 0 }) else { throw .unsealed }
            guard update.sampleCount > 0 else { throw .noSamples }
            return
        }
        let count = update.count(of: .delta) ?? 0
        guard count == parameterCount else { throw .wrongShape(expected: parameterCount, got: count) }
        guard update.sampleCount > 0 else { throw .noSamples }
        try requireFinite(.delta, of: update)
        for name in update.vectorNames where name != .delta && !vectors.contains(where: { $0.name == name }) {
            throw .undeclaredVector(name)
        }
        for declaration in vectors {
            let name = declaration.name
            guard let count = update.count(of: name) else { throw .missingVector(name) }
            guard count == parameterCount else {
                throw .invalidVector(name, reason: "has \(count) values, the model \(parameterCount)")
            }
            switch declaration.values {
            case .finite:
                try requireFinite(name, of: update)
            case .binary:
                var first: Int?
                try read(name, of: update) { range, values in
                    if first == nil, let offset = FloatScan.firstNonBinary(in: values) { first = range.lowerBound + offset }
                }
                if let first { throw .invalidVector(name, reason: "must hold only 0 and 1 (index \(first) does not)") }
            }
        }
    }

    private func requireFinite(_ kind: VectorName, of update: SiteUpdate) throws(UpdateRejection) {
        var first: Int?
        try read(kind, of: update) { range, values in
            if first == nil, let offset = FloatScan.firstNonFinite(in: values) { first = range.lowerBound + offset }
        }
        if let first { throw .nonFinite(index: first) }
    }

    /// Reads a vector wherever it is; one that cannot be read back is refused like a broken upload.
    private func read(
        _ kind: VectorName, of update: SiteUpdate,
        _ body: (Range<Int>, UnsafeBufferPointer<Float>) -> Void
    ) throws(UpdateRejection) {
        do { try update.forEachChunk(of: kind, body) } catch { throw .unreadable(String(describing: error)) }
    }
}
