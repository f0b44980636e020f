/// A feed-forward stack of layers with all parameters in one flat, aligned buffer.
///
/// The network owns every buffer a pass needs (activations per layer, two ping-pong
/// gradient buffers) and grows them only when a larger batch arrives, so steady-state
/// training allocates nothing. Not `Sendable`: a network lives inside one site or one
/// evaluator; what crosses actors is its parameter vector.
///
/// A ReLU right after a convolution is folded into the convolution (which writes its output
/// rectified and masks the gradient it receives); the ReLU stays in `layers`, shares the
/// convolution's output buffer and is skipped in both passes. The arithmetic is unchanged.
public final class Network {
    public let inputShape: Shape
    public let outputShape: Shape
    public let layers: [any Layer]
    public let layout: ParameterLayout
    public let parameters: FloatBuffer
    public let gradients: FloatBuffer

    private let shapes: [Shape]  // output shape of each layer
    private let parameterOffsets: [Int]  // first scalar of each layer's slice
    /// Layers whose work the previous layer does (a ReLU fused into a convolution).
    private let absorbed: [Bool]
    private var activations: [FloatBuffer] = []
    private var gradientBuffers = [FloatBuffer(count: 0), FloatBuffer(count: 0)]
    private var capacity = 0

    /// Builds the network and draws initial parameters from `seed`.
    public init(inputShape: Shape, layers: [any Layer], seed: UInt64) throws(ModelError) {
        self.inputShape = inputShape
        self.layers = layers
        var shape = inputShape
        var shapes: [Shape] = []
        var layout = ParameterLayout()
        var offsets: [Int] = []
        var kindCounts: [String: Int] = [:]
        for layer in layers {
            shape = try layer.bind(inputShape: shape)
            shapes.append(shape)
            offsets.append(layout.count)
            let tensors = layer.parameterTensors
            if !tensors.isEmpty {
                kindCounts[layer.kind, default: 0] += 1
                let prefix = "\(layer.kind)\(kindCounts[layer.kind]!)"
                for tensor in tensors { layout.append(name: "\(prefix).\(tensor.name)", shape: tensor.shape) }
            }
        }
        self.shapes = shapes
        self.outputShape = shape
        self.layout = layout
        self.parameterOffsets = offsets
        absorbed = layers.indices.map { index in
            guard index > 0, let convolution = layers[index - 1] as? Conv2D,
                let activation = layers[index] as? Activation, activation.function == .relu
            else { return false }
            convolution.rectifiesOutput = true
            return true
        }
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
        var generator = SeededGenerator(seed: seed, stream: 0x1417)
        for (index, layer) in layers.enumerated() {
            layer.initialize(parameters: parameters.pointer + offsets[index], using: &generator)
        }
    }

    /// The parameters as a plain array (what travels between sites and coordinator).
    public var parameterVector: [Float] {
        get { parameters.array }
        set { parameters.copy(from: newValue) }
    }

    private func reserve(batch: Int) {
        guard batch > capacity else { return }
        capacity = batch
        activations = []
        for index in layers.indices {
            activations.append(absorbed[index] ? activations[index - 1] : FloatBuffer(count: batch * shapes[index].count))
        }
        let widest = max(inputShape.count, shapes.map(\.count).max() ?? 0)
        gradientBuffers = [FloatBuffer(count: batch * widest), FloatBuffer(count: batch * widest)]
        for layer in layers { layer.reserve(batchCapacity: batch) }
    }

    /// Runs the layers on `batch` examples and returns a pointer to the output
    /// (`batch x outputShape.count`), valid until the next call.
    @discardableResult
    public func forward(
        _ input: UnsafePointer<Float>, batch: Int, training: Bool,
        generator: inout SeededGenerator
    ) -> UnsafePointer<Float> {
        reserve(batch: batch)
        var x = input
        for (index, layer) in layers.enumerated() where !absorbed[index] {
            let y = activations[index].pointer
            layer.forward(
                input: x, output: y, batch: batch,
                parameters: parameters.pointer + parameterOffsets[index],
                training: training, generator: &generator)
            x = UnsafePointer(y)
        }
        return x
    }

    /// Back-propagates `outputGradient` (d loss / d output) through the batch of the last
    /// `forward` call, overwriting `gradients`.
    public func backward(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int) {
        backward(input: input, outputGradient: outputGradient, batch: batch, inputGradient: nil)
    }

    /// Back-propagates as above and, when `inputGradient` is non-nil, also writes d loss / d input
    /// there (`batch x inputShape.count`): what input attributions need, and how the gradient
    /// checks reach the first layer. Training passes nil, and the first layer skips that work.
    public func backward(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int,
        inputGradient: UnsafeMutablePointer<Float>?,
        perExampleSquaredNorms: UnsafeMutablePointer<Float>? = nil
    ) {
        perExampleSquaredNorms?.update(repeating: 0, count: batch)
        var upstream = outputGradient
        var next = 0  // the ping-pong buffer not holding `upstream`
        for index in layers.indices.reversed() where !absorbed[index] {
            let layerInput = index == 0 ? input : UnsafePointer(activations[index - 1].pointer)
            let downstream = index == 0 ? inputGradient : gradientBuffers[next].pointer
            if let norms = perExampleSquaredNorms {
                layers[index].addPerExampleSquaredGradientNorms(
                    input: layerInput, output: activations[index].pointer,
                    outputGradient: upstream, batch: batch, into: norms)
            }
            layers[index].backward(
                input: layerInput, output: activations[index].pointer,
                outputGradient: upstream,
                inputGradient: downstream,
                batch: batch,
                parameters: parameters.pointer + parameterOffsets[index],
                parameterGradients: gradients.pointer + parameterOffsets[index])
            if let downstream {
                upstream = UnsafePointer(downstream)
                next = 1 - next
            }
        }
    }
}
