/// Element-wise nonlinearities. Each derives its gradient from its own output, so the
/// network does not keep pre-activation copies.
public final class Activation: Layer {
    public enum Function: String, Sendable, Codable, CaseIterable {
        case relu, sigmoid, tanh
    }

    public let function: Function
    private var width = 0
    public var kind: String { function.rawValue }

    public init(_ function: Function) { self.function = function }

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        width = inputShape.count
        return inputShape
    }

    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator
    ) {
        let n = batch * width
        switch function {
        case .relu:
            VectorKernels.rectify(input, into: output, count: n)
        case .sigmoid:
            for i in 0..<n { output[i] = Activation.sigmoid(input[i]) }
        case .tanh:
            for i in 0..<n { output[i] = _tanhf(input[i]) }
        }
    }

    public func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>
    ) {
        guard let inputGradient else { return }
        let n = batch * width
        switch function {
        case .relu:
            // Branch-free: the sign of a ReLU input is a coin flip, and a branch per element
            // mispredicted half the time cost more than every matrix product of an MLP step.
            VectorKernels.passWherePositive(outputGradient, output: output, into: inputGradient, count: n)
        case .sigmoid:
            for i in 0..<n { inputGradient[i] = outputGradient[i] * output[i] * (1 - output[i]) }
        case .tanh:
            for i in 0..<n { inputGradient[i] = outputGradient[i] * (1 - output[i] * output[i]) }
        }
    }

    /// Logistic function, stable for large |x|.
    @inlinable
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 {
            return 1 / (1 + _expf(-x))
        }
        let e = _expf(x)
        return e / (1 + e)
    }
}
