/// One stage of a feed-forward network.
///
/// Layers see raw pointers into buffers that the `Network` owns and allocates once, so a
/// training step allocates nothing. Data is row-major with the batch dimension first:
/// `batch x inputShape.count` in, `batch x outputShape.count` out. A layer's parameters are
/// a slice of the network's single flat parameter vector, laid out as `parameterTensors` says
/// (PyTorch's layouts, so weights and reference values can be compared one to one).
public protocol Layer: AnyObject {
    /// A short name used to label parameter tensors (`dense1.weight`).
    var kind: String { get }

    /// Fixes the input shape (called once while the network is built) and returns the output shape.
    func bind(inputShape: Shape) throws(ModelError) -> Shape

    /// The layer's parameter tensors, in their order in the flat vector; empty if it has none.
    var parameterTensors: [(name: String, shape: [Int])] { get }

    /// Writes initial values into the layer's parameter slice.
    func initialize(parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator)

    /// Grows internal workspaces (saved masks, unfolded patches...) for batches up to `capacity`.
    func reserve(batchCapacity capacity: Int)

    func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator)

    /// Writes (does not accumulate) the parameter gradients for the batch, and the input
    /// gradient when `inputGradient` is non-nil (the first layer skips it).
    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>)

    /// Adds each example's squared parameter-gradient norm (for this layer's parameters) to
    /// `norms[example]`. Called with `backward`'s arguments, before it: DP-SGD clips every
    /// example's gradient, and this yields the norms without a backward pass per example.
    func addPerExampleSquaredGradientNorms(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, batch: Int,
        into norms: UnsafeMutablePointer<Float>)
}

extension Layer {
    /// Layers without parameters contribute nothing.
    public func addPerExampleSquaredGradientNorms(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, batch: Int,
        into norms: UnsafeMutablePointer<Float>
    ) {}

    public var parameterTensors: [(name: String, shape: [Int])] { [] }
    public func initialize(parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {}
    public func reserve(batchCapacity capacity: Int) {}
}

/// Errors in a model's definition or in the data it is given.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(layer: String, expected: String, got: Shape)
    case unknownModel(String)
    case invalidHyperparameter(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let layer, let expected, let got):
            "\(layer) expects input of shape \(expected), got \(got)"
        case .unknownModel(let text):
            "unknown model '\(text)': use logistic, mlp, mlp:64,64 or cnn"
        case .invalidHyperparameter(let text):
            text
        }
    }
}
