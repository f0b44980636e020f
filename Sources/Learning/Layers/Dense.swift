/// Fully connected layer `y = x Wᵀ + b`, with `W` stored `[out, in]` as in PyTorch.
public final class Dense: Layer {
    public let outputCount: Int
    public private(set) var inputCount = 0
    public var kind: String { "dense" }

    public init(outputs: Int) {
        precondition(outputs > 0, "a dense layer needs at least one output")
        outputCount = outputs
    }

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        guard inputShape.rank == 1 else {
            throw .shapeMismatch(layer: "dense", expected: "a flat vector (add a flatten layer)", got: inputShape)
        }
        inputCount = inputShape.count
        return Shape(outputCount)
    }

    public var parameterTensors: [(name: String, shape: [Int])] {
        [("weight", [outputCount, inputCount]), ("bias", [outputCount])]
    }

    /// PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
    public func initialize(parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        let bound = 1 / Float(inputCount).squareRoot()
        for i in 0..<(outputCount * inputCount + outputCount) {
            parameters[i] = generator.nextFloat(in: -bound..<bound)
        }
    }

    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator
    ) {
        let bias = parameters + outputCount * inputCount
        for row in 0..<batch {
            (output + row * outputCount).update(from: bias, count: outputCount)
        }
        if batch * outputCount * inputCount < 256 {
            // Tiny products (logistic regression) are faster inline than through a BLAS call.
            for row in 0..<batch {
                let x = input + row * inputCount
                let y = output + row * outputCount
                for o in 0..<outputCount {
                    let w = parameters + o * inputCount
                    var sum: Float = 0
                    for i in 0..<inputCount { sum += x[i] * w[i] }
                    y[o] += sum
                }
            }
        } else {
            BLAS.gemm(
                transposeA: false, transposeB: true, m: batch, n: outputCount, k: inputCount,
                a: input, lda: inputCount, b: parameters, ldb: inputCount,
                beta: 1, c: output, ldc: outputCount)
        }
    }

    public func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>
    ) {
        let weightGradient = parameterGradients
        let biasGradient = parameterGradients + outputCount * inputCount
        let small = batch * outputCount * inputCount < 256
        if small {
            weightGradient.update(repeating: 0, count: outputCount * inputCount)
            for row in 0..<batch {
                let x = input + row * inputCount
                for o in 0..<outputCount {
                    let g = outputGradient[row * outputCount + o]
                    let w = weightGradient + o * inputCount
                    for i in 0..<inputCount { w[i] += g * x[i] }
                }
            }
        } else {
            // dW = dYᵀ X
            BLAS.gemm(
                transposeA: true, transposeB: false, m: outputCount, n: inputCount, k: batch,
                a: outputGradient, lda: outputCount, b: input, ldb: inputCount,
                c: weightGradient, ldc: inputCount)
        }
        biasGradient.update(repeating: 0, count: outputCount)
        for row in 0..<batch {
            VectorKernels.add(outputGradient + row * outputCount, into: biasGradient, count: outputCount)
        }
        guard let inputGradient else { return }
        if small {
            for row in 0..<batch {
                let dx = inputGradient + row * inputCount
                dx.update(repeating: 0, count: inputCount)
                for o in 0..<outputCount {
                    let g = outputGradient[row * outputCount + o]
                    let w = parameters + o * inputCount
                    for i in 0..<inputCount { dx[i] += g * w[i] }
                }
            }
        } else {
            // dX = dY W
            BLAS.gemm(
                transposeA: false, transposeB: false, m: batch, n: inputCount, k: outputCount,
                a: outputGradient, lda: outputCount, b: parameters, ldb: inputCount,
                c: inputGradient, ldc: inputCount)
        }
    }

    /// Example i's weight gradient is the outer product dy_i x_iᵀ, whose squared Frobenius
    /// norm is |dy_i|² |x_i|² (Goodfellow 2015, "Efficient per-example gradient computations");
    /// the bias adds |dy_i|². No per-example matrix is ever formed.
    public func addPerExampleSquaredGradientNorms(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, batch: Int,
        into norms: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<batch {
            var gradientSquared: Float = 0
            let dy = outputGradient + row * outputCount
            for o in 0..<outputCount { gradientSquared += dy[o] * dy[o] }
            var inputSquared: Float = 0
            let x = input + row * inputCount
            for i in 0..<inputCount { inputSquared += x[i] * x[i] }
            norms[row] += gradientSquared * (inputSquared + 1)
        }
    }
}
