/// Reshapes `[C, H, W]` to `[C * H * W]`; the data is already contiguous, so this only copies.
public final class Flatten: Layer {
    private var width = 0
    public var kind: String { "flatten" }

    public init() {}

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        width = inputShape.count
        return Shape(width)
    }

    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator
    ) {
        output.update(from: input, count: batch * width)
    }

    public func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>
    ) {
        inputGradient?.update(from: outputGradient, count: batch * width)
    }
}
