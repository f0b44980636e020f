/// One named tensor inside a model's flat parameter vector.
public struct TensorSpec: Hashable, Sendable, Codable {
    public var name: String
    public var shape: [Int]
    /// Index of the tensor's first scalar in the flat vector.
    public var offset: Int

    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }

    public init(name: String, shape: [Int], offset: Int) {
        self.name = name
        self.shape = shape
        self.offset = offset
    }
}

/// How a model's parameters sit in one contiguous `[Float]`.
///
/// Models keep all their weights in a single flat buffer so that everything federated
/// (deltas, aggregation, clipping, masking, compression) is one loop over one array, and the
/// named shapes are kept beside it for checkpoints, the wire format and validation.
public struct ParameterLayout: Hashable, Sendable, Codable {
    public private(set) var tensors: [TensorSpec] = []
    public private(set) var count: Int = 0

    public init() {}

    public init(_ tensors: [(name: String, shape: [Int])]) {
        for tensor in tensors { append(name: tensor.name, shape: tensor.shape) }
    }

    @discardableResult
    public mutating func append(name: String, shape: [Int]) -> TensorSpec {
        let spec = TensorSpec(name: name, shape: shape, offset: count)
        tensors.append(spec)
        count += spec.count
        return spec
    }

    public subscript(name: String) -> TensorSpec? { tensors.first { $0.name == name } }
}
