/// 2-D convolution (stride 1, zero padding), NCHW, kernel stored `[out, in, k, k]` as in PyTorch.
///
/// Each example is unfolded into a `[in*k*k, H'*W']` patch matrix ("im2col") and multiplied
/// by the kernel with one BLAS call, which turns the convolution into the fastest operation
/// the machine has. The patch matrices are kept for the backward pass.
public final class Conv2D: Layer {
    public let outputChannels: Int
    public let kernelSize: Int
    public let padding: Int
    private var inputChannels = 0
    private var height = 0, width = 0
    private var outputHeight = 0, outputWidth = 0
    private var patches = FloatBuffer(count: 0)
    private var patchGradient = FloatBuffer(count: 0)
    public var kind: String { "conv" }

    public init(outputChannels: Int, kernelSize: Int, padding: Int = 0) {
        precondition(outputChannels > 0 && kernelSize > 0 && padding >= 0, "invalid convolution")
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.padding = padding
    }

    private var patchRows: Int { inputChannels * kernelSize * kernelSize }
    private var patchColumns: Int { outputHeight * outputWidth }

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        guard inputShape.rank == 3 else {
            throw .shapeMismatch(layer: "conv", expected: "[channels, height, width]", got: inputShape)
        }
        inputChannels = inputShape.dimensions[0]
        height = inputShape.dimensions[1]
        width = inputShape.dimensions[2]
        outputHeight = height + 2 * padding - kernelSize + 1
        outputWidth = width + 2 * padding - kernelSize + 1
        guard outputHeight > 0, outputWidth > 0 else {
            throw .shapeMismatch(layer: "conv", expected: "an image at least \(kernelSize - 2 * padding) wide", got: inputShape)
        }
        return Shape(outputChannels, outputHeight, outputWidth)
    }

    public var parameterTensors: [(name: String, shape: [Int])] {
        [("weight", [outputChannels, inputChannels, kernelSize, kernelSize]), ("bias", [outputChannels])]
    }

    /// PyTorch's default (kaiming-uniform with a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    public func initialize(parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        let bound = 1 / Float(patchRows).squareRoot()
        for i in 0..<(outputChannels * patchRows + outputChannels) {
            parameters[i] = generator.nextFloat(in: -bound..<bound)
        }
    }

    public func reserve(batchCapacity capacity: Int) {
        let needed = capacity * patchRows * patchColumns
        if patches.count < needed { patches = FloatBuffer(count: needed) }
        if patchGradient.count < patchRows * patchColumns { patchGradient = FloatBuffer(count: patchRows * patchColumns) }
    }

    public func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
                        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator) {
        let inputSize = inputChannels * height * width
        let outputSize = outputChannels * patchColumns
        let patchSize = patchRows * patchColumns
        let bias = parameters + outputChannels * patchRows
        for example in 0..<batch {
            let columns = patches.pointer + example * patchSize
            unfold(input + example * inputSize, into: columns)
            let y = output + example * outputSize
            for o in 0..<outputChannels {
                (y + o * patchColumns).update(repeating: bias[o], count: patchColumns)
            }
            BLAS.gemm(transposeA: false, transposeB: false, m: outputChannels, n: patchColumns, k: patchRows,
                      a: parameters, lda: patchRows, b: columns, ldb: patchColumns,
                      beta: 1, c: y, ldc: patchColumns)
        }
    }

    public func backward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                         outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                         batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>) {
        let inputSize = inputChannels * height * width
        let outputSize = outputChannels * patchColumns
        let patchSize = patchRows * patchColumns
        let biasGradient = parameterGradients + outputChannels * patchRows
        biasGradient.update(repeating: 0, count: outputChannels)
        for example in 0..<batch {
            let dy = outputGradient + example * outputSize
            let columns = patches.pointer + example * patchSize
            // dW += dY · patchesᵀ
            BLAS.gemm(transposeA: false, transposeB: true, m: outputChannels, n: patchRows, k: patchColumns,
                      a: dy, lda: patchColumns, b: columns, ldb: patchColumns,
                      beta: example == 0 ? 0 : 1, c: parameterGradients, ldc: patchRows)
            for o in 0..<outputChannels {
                let row = dy + o * patchColumns
                var sum: Float = 0
                for j in 0..<patchColumns { sum += row[j] }
                biasGradient[o] += sum
            }
            guard let inputGradient else { continue }
            // dPatches = Wᵀ · dY, folded back onto the image.
            BLAS.gemm(transposeA: true, transposeB: false, m: patchRows, n: patchColumns, k: outputChannels,
                      a: parameters, lda: patchRows, b: dy, ldb: patchColumns,
                      c: patchGradient.pointer, ldc: patchColumns)
            fold(patchGradient.pointer, into: inputGradient + example * inputSize)
        }
        if batch == 0 { parameterGradients.update(repeating: 0, count: outputChannels * patchRows) }
    }

    /// im2col: row `(c, ki, kj)` of the patch matrix holds the input pixels that kernel tap
    /// `(ki, kj)` of channel `c` sees at every output position.
    private func unfold(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        var row = 0
        for c in 0..<inputChannels {
            let plane = image + c * height * width
            for ki in 0..<kernelSize {
                for kj in 0..<kernelSize {
                    let target = columns + row * patchColumns
                    for oh in 0..<outputHeight {
                        let ih = oh + ki - padding
                        let line = target + oh * outputWidth
                        if ih < 0 || ih >= height {
                            line.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        let source = plane + ih * width
                        // Output columns whose input column lies inside the image.
                        let first = max(0, padding - kj)
                        let last = min(outputWidth, width + padding - kj)
                        if first > 0 { line.update(repeating: 0, count: first) }
                        if last > first { (line + first).update(from: source + (first + kj - padding), count: last - first) }
                        if last < outputWidth { (line + max(last, first)).update(repeating: 0, count: outputWidth - max(last, first)) }
                    }
                    row += 1
                }
            }
        }
    }

    /// col2im: the adjoint of `unfold`, summing every patch entry back onto its pixel.
    private func fold(_ columns: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        image.update(repeating: 0, count: inputChannels * height * width)
        var row = 0
        for c in 0..<inputChannels {
            let plane = image + c * height * width
            for ki in 0..<kernelSize {
                for kj in 0..<kernelSize {
                    let source = columns + row * patchColumns
                    for oh in 0..<outputHeight {
                        let ih = oh + ki - padding
                        if ih < 0 || ih >= height { continue }
                        let line = source + oh * outputWidth
                        let target = plane + ih * width
                        let first = max(0, padding - kj)
                        let last = min(outputWidth, width + padding - kj)
                        if last <= first { continue }
                        let offset = kj - padding
                        for ow in first..<last { target[ow + offset] += line[ow] }
                    }
                    row += 1
                }
            }
        }
    }
}
