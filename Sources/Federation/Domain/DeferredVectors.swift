/// An update's vectors that a transport keeps out of memory until the coordinator folds
/// them: a deployed coordinator writes large uploads to a spool file as they arrive. They
/// are read back in chunks (to check them, measure them and add them to the round's running
/// sum), so a round with K sites of a P-parameter model needs memory for the sum and the
/// model, not for K (or even one) extra copies of P.
public protocol DeferredVectors: Sendable {
    /// The vectors held, the delta first, then the others by name.
    var names: [VectorName] { get }
    /// How many values the vector `name` has, or nil when the update has none.
    func count(of name: VectorName) -> Int?
    /// Calls `body` with consecutive ranges of the vector and their values, in order; each
    /// buffer is valid only during its call.
    func forEachChunk(of kind: VectorName, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws
}

extension SiteUpdate {
    /// Values of the vector of `kind`, wherever they are.
    public func count(of kind: VectorName) -> Int? {
        if let deferred { return deferred.count(of: kind) }
        return resident(kind)?.count
    }

    /// Visits the vector of `kind` in order: in one piece when it is in memory, in chunks
    /// when it is deferred. Does nothing when the update has no such vector. Deferred chunks
    /// are checked here, once for every reader: each must start where the last ended and stay
    /// within the announced count, and together they must cover it.
    public func forEachChunk(of kind: VectorName, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard let deferred else {
            guard let values = resident(kind) else { return }
            return try values.withUnsafeBufferPointer { try body(0..<values.count, $0) }
        }
        guard let count = deferred.count(of: kind) else { return }
        var next = 0
        try deferred.forEachChunk(of: kind) { range, chunk in
            guard range.lowerBound == next, range.upperBound <= count, chunk.count == range.count else {
                throw DeferredVectorsError.outOfOrder(kind: kind, range: range, expectedStart: next, count: count)
            }
            try body(range, chunk)
            next = range.upperBound
        }
        guard next == count else { throw DeferredVectorsError.short(kind: kind, read: next, count: count) }
    }

    /// The update with every vector in memory: what rules that need each update whole (median,
    /// Krum...) are given. Free for an update that is not deferred.
    public func resolved() throws -> SiteUpdate {
        guard let deferred else { return self }
        var update = self
        update.deferred = nil
        for kind in deferred.names {
            guard let count = deferred.count(of: kind) else { continue }
            var failure: (any Error)?
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                do {
                    try forEachChunk(of: kind) { range, chunk in
                        _ = UnsafeMutableBufferPointer(rebasing: buffer[range]).initialize(fromContentsOf: chunk)
                    }
                    initialized = count
                } catch {
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            if kind == .delta { update.delta = values } else { update.vectors[kind] = values }
        }
        return update
    }

    private func resident(_ kind: VectorName) -> [Float]? {
        kind == .delta ? delta : vectors[kind]
    }
}

/// A deferred vector that did not read back as announced (a transport bug or a damaged spool).
public enum DeferredVectorsError: Error, CustomStringConvertible {
    case outOfOrder(kind: VectorName, range: Range<Int>, expectedStart: Int, count: Int)
    case short(kind: VectorName, read: Int, count: Int)

    public var description: String {
        switch self {
        case .outOfOrder(let kind, let range, let start, let count):
            "the \(kind) vector read back chunk \(range) where \(start) of \(count) values was expected"
        case .short(let kind, let read, let count): "the \(kind) vector read back \(read) of its \(count) values"
        }
    }
}
