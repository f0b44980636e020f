/// Inverted dropout: in training each unit is kept with probability `1 - rate` and scaled by
/// `1 / (1 - rate)`, so evaluation is the identity. The mask comes from the training
/// generator, so a seeded run drops the same units every time.
public final class Dropout: Layer {
    public let rate: Float
    private var width = 0
    private var mask: FloatBuffer = FloatBuffer(count: 0)
    public var kind: String { "dropout" }

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.rate = rate
    }

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        width = inputShape.count
        return inputShape
    }

    public func reserve(batchCapacity capacity: Int) {
        if mask.count < capacity * width { mask = FloatBuffer(count: capacity * width) }
    }

    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator
    ) {
        let n = batch * width
        guard training, rate > 0 else {
            output.update(from: input, count: n)
            return
        }
        let scale = 1 / (1 - rate)
        let m = mask.pointer
        for i in 0..<n {
            m[i] = generator.nextUnitFloat() >= rate ? scale : 0
            output[i] = input[i] * m[i]
        }
    }

    public func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>
    ) {
        guard let inputGradient else { return }
        let n = batch * width
        guard rate > 0 else {
            inputGradient.update(from: outputGradient, count: n)
            return
        }
        let m = mask.pointer
        for i in 0..<n { inputGradient[i] = outputGradient[i] * m[i] }
    }
}
