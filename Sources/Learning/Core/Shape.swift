/// The shape of one example, without the batch dimension: `[13]` for a feature row,
/// `[1, 28, 28]` for a one-channel image (channels, height, width).
public struct Shape: Hashable, Sendable, Codable, CustomStringConvertible {
    public var dimensions: [Int]

    public init(_ dimensions: [Int]) {
        precondition(dimensions.allSatisfy { $0 > 0 }, "shape dimensions must be positive: \(dimensions)")
        self.dimensions = dimensions
    }

    public init(_ dimensions: Int...) { self.init(dimensions) }

    /// Number of scalars in one example.
    public var count: Int { dimensions.reduce(1, *) }

    public var rank: Int { dimensions.count }

    public var description: String { dimensions.map(String.init).joined(separator: "x") }
}
