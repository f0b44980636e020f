/// The state a strategy or an aggregation rule carries from round to round (server optimizer
/// moments, control variates, an adaptive clip, trust scores), in a form a checkpoint can
/// store: named vectors and named numbers. A coordinator that restarts restores it and goes
/// on exactly where it stopped.
public struct ComponentState: Hashable, Sendable, Codable {
    public var vectors: [String: [Float]]
    public var scalars: [String: Double]

    public init(vectors: [String: [Float]] = [:], scalars: [String: Double] = [:]) {
        self.vectors = vectors
        self.scalars = scalars
    }

    public static let empty = ComponentState()

    public var isEmpty: Bool { vectors.isEmpty && scalars.isEmpty }
}

/// A checkpoint that does not fit the component restoring it.
public struct StateMismatch: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
