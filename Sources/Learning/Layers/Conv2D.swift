/// 2-D convolution (stride 1, zero padding), NCHW, kernel stored `[out, in, k, k]` as in PyTorch.
///
/// Each example is unfolded into a patch matrix ("im2col": a row per kernel tap, `in*k*k`
/// rows, a column per output pixel) and multiplied by the kernel in one BLAS call, whose
/// `[out, H'*W']` result is already that example's NCHW output. The work goes one example
/// at a time on purpose: the patch matrix, its gradient and the product all stay in the L2
/// cache, where OpenBLAS's small-matrix kernels run near the core's peak. Unfolding the whole
/// batch into one wide matrix for a single large product was measured slower here (the
/// 7 MB patch matrix of a 64-image batch streams through memory twice per pass, and the
/// first layer's product, with only 9 rows of patches, becomes bound by memory traffic).
///
/// The backward pass unfolds each example again rather than keeping every patch matrix from
/// the forward pass: redoing the copy in cache costs about what reading it back from memory
/// would, and the layer's memory stays at one example's worth.
public final class Conv2D: Layer {
    public let outputChannels: Int
    public let kernelSize: Int
    public let padding: Int
    private var inputChannels = 0
    private var height = 0, width = 0
    private var outputHeight = 0, outputWidth = 0
    /// One example's patch matrix, `[patchRows, patchColumns]`.
    private var patches = FloatBuffer(count: 0)
    /// One example's patch gradient, `[patchRows, patchColumns]`.
    private var patchGradient = FloatBuffer(count: 0)
    /// One example's output gradient after the fused ReLU's mask, `[outputChannels, patchColumns]`.
    private var maskedGradient = FloatBuffer(count: 0)
    /// Set by `Network` when a ReLU follows: the output is then written already rectified (in
    /// the pass that adds the bias), and the backward pass masks the incoming gradient, so the
    /// ReLU layer itself does nothing. Saves two passes over the largest activations of a CNN.
    var rectifiesOutput = false
    public var kind: String { "conv" }

    public init(outputChannels: Int, kernelSize: Int, padding: Int = 0) {
        precondition(outputChannels > 0 && kernelSize > 0 && padding >= 0, "invalid convolution")
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.padding = padding
    }

    private var patchRows: Int { inputChannels * kernelSize * kernelSize }
    private var patchColumns: Int { outputHeight * outputWidth }
    /// "Same" convolution: the output has the input's size, so every kernel tap reads the
    /// input plane shifted by a fixed offset and im2col becomes one block copy per tap.
    private var preservesSize: Bool { outputHeight == height && outputWidth == width }

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
        patches = FloatBuffer(count: patchRows * patchColumns)
        patchGradient = FloatBuffer(count: patchRows * patchColumns)
        maskedGradient = FloatBuffer(count: outputChannels * patchColumns)
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

    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator
    ) {
        let inputSize = inputChannels * height * width
        let outputSize = outputChannels * patchColumns
        let bias = parameters + outputChannels * patchRows
        for example in 0..<batch {
            unfold(input + example * inputSize, into: patches.pointer)
            let y = output + example * outputSize
            BLAS.gemm(
                transposeA: false, transposeB: false, m: outputChannels, n: patchColumns, k: patchRows,
                a: parameters, lda: patchRows, b: patches.pointer, ldb: patchColumns,
                c: y, ldc: patchColumns)
            for o in 0..<outputChannels {
                let row = y + o * patchColumns
                if rectifiesOutput {
                    VectorKernels.rectify(row, adding: bias[o], into: row, count: patchColumns)
                } else {
                    VectorKernels.copy(row, adding: bias[o], into: row, count: patchColumns)
                }
            }
        }
    }

    public func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>
    ) {
        let weightCount = outputChannels * patchRows
        let biasGradient = parameterGradients + weightCount
        parameterGradients.update(repeating: 0, count: weightCount + outputChannels)
        let inputSize = inputChannels * height * width
        let outputSize = outputChannels * patchColumns
        for example in 0..<batch {
            var dy = outputGradient + example * outputSize
            if rectifiesOutput {
                // Through the fused ReLU: zero where its output was zero.
                let y = output + example * outputSize
                for o in 0..<outputChannels {
                    let offset = o * patchColumns
                    biasGradient[o] += VectorKernels.passWherePositive(
                        dy + offset, output: y + offset,
                        into: maskedGradient.pointer + offset, count: patchColumns)
                }
                dy = UnsafePointer(maskedGradient.pointer)
            } else {
                for o in 0..<outputChannels {
                    biasGradient[o] += VectorKernels.sum(dy + o * patchColumns, count: patchColumns)
                }
            }
            unfold(input + example * inputSize, into: patches.pointer)
            // dW += dY · patchesᵀ
            BLAS.gemm(
                transposeA: false, transposeB: true, m: outputChannels, n: patchRows, k: patchColumns,
                a: dy, lda: patchColumns, b: patches.pointer, ldb: patchColumns,
                beta: 1, c: parameterGradients, ldc: patchRows)
            guard let inputGradient else { continue }
            // dPatches = Wᵀ · dY, folded back onto the image.
            BLAS.gemm(
                transposeA: true, transposeB: false, m: patchRows, n: patchColumns, k: outputChannels,
                a: parameters, lda: patchRows, b: dy, ldb: patchColumns,
                c: patchGradient.pointer, ldc: patchColumns)
            fold(patchGradient.pointer, into: inputGradient + example * inputSize)
        }
    }

    /// Convolutions have no cheap closed form for per-example norms, so each example's kernel
    /// gradient dY_i · P_iᵀ is formed in a scratch matrix (one product per example, the same
    /// product the backward pass does) and measured; the bias adds the squared channel sums.
    public func addPerExampleSquaredGradientNorms(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, batch: Int,
        into norms: UnsafeMutablePointer<Float>
    ) {
        let inputSize = inputChannels * height * width
        let outputSize = outputChannels * patchColumns
        let weightCount = outputChannels * patchRows
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: weightCount)
        defer { scratch.deallocate() }
        for example in 0..<batch {
            var dy = outputGradient + example * outputSize
            var biasSquared: Float = 0
            for o in 0..<outputChannels {
                let offset = o * patchColumns
                let sum: Float
                if rectifiesOutput {
                    sum = VectorKernels.passWherePositive(
                        dy + offset, output: output + example * outputSize + offset,
                        into: maskedGradient.pointer + offset, count: patchColumns)
                } else {
                    sum = VectorKernels.sum(dy + offset, count: patchColumns)
                }
                biasSquared += sum * sum
            }
            if rectifiesOutput { dy = UnsafePointer(maskedGradient.pointer) }
            unfold(input + example * inputSize, into: patches.pointer)
            BLAS.gemm(
                transposeA: false, transposeB: true, m: outputChannels, n: patchRows, k: patchColumns,
                a: dy, lda: patchColumns, b: patches.pointer, ldb: patchColumns,
                c: scratch, ldc: patchRows)
            var weightSquared: Float = 0
            for i in 0..<weightCount { weightSquared += scratch[i] * scratch[i] }
            norms[example] += weightSquared + biasSquared
        }
    }

    /// Where kernel tap `(ki, kj)` reads, for a size-preserving convolution: output pixel `i`
    /// (flat index in the plane) sees input pixel `i + offset` when its row lies in `rows` and
    /// its column is not one of the `shift` columns at the left (negative) or right (positive)
    /// edge that fall into the padding. `flat` is the stretch of output indices whose input
    /// index lies inside the plane; it contains every valid pixel.
    private struct ShiftedTap {
        var offset: Int
        var shift: Int
        var rows: Range<Int>
        var flat: Range<Int>

        init(ki: Int, kj: Int, padding: Int, height: Int, width: Int) {
            let rowShift = ki - padding
            shift = kj - padding
            offset = rowShift * width + shift
            rows = max(0, -rowShift)..<max(max(0, -rowShift), min(height, height - rowShift))
            let lower = min(max(rows.lowerBound * width, -offset), height * width)
            flat = lower..<max(lower, min(rows.upperBound * width, height * width - offset))
        }

        /// The columns of every row in `rows` whose input column lies in the padding.
        func paddingColumns(width: Int) -> Range<Int> {
            shift < 0 ? 0..<min(-shift, width) : max(0, width - shift)..<width
        }
    }

    /// im2col for one example: row `(c, ki, kj)` of the patch matrix holds the input pixels that kernel tap `(ki, kj)` of channel `c` sees at every output
    /// position, zero where the tap falls into the padding.
    private func unfold(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let plane = height * width
        var row = 0
        for c in 0..<inputChannels {
            let source = image + c * plane
            for ki in 0..<kernelSize {
                for kj in 0..<kernelSize {
                    let target = columns + row * patchColumns
                    if preservesSize {
                        let tap = ShiftedTap(ki: ki, kj: kj, padding: padding, height: height, width: width)
                        target.update(repeating: 0, count: tap.flat.lowerBound)
                        (target + tap.flat.lowerBound).update(
                            from: source + tap.flat.lowerBound + tap.offset,
                            count: tap.flat.count)
                        (target + tap.flat.upperBound).update(repeating: 0, count: plane - tap.flat.upperBound)
                        zero(tap.paddingColumns(width: width), ofRows: tap.rows, in: target)
                    } else {
                        unfoldLines(of: source, ki: ki, kj: kj, into: target)
                    }
                    row += 1
                }
            }
        }
    }

    /// Zeroes a few columns (the padding edge, usually one) of every row in `rows`: a plain
    /// loop, as a library call per one-element stretch costs more than the store.
    private func zero(_ edge: Range<Int>, ofRows rows: Range<Int>, in plane: UnsafeMutablePointer<Float>) {
        guard !edge.isEmpty else { return }
        for r in rows {
            let line = plane + r * width
            for column in edge { line[column] = 0 }
        }
    }

    /// The output columns `first..<last` whose input column, for kernel column `kj`, lies inside the image.
    private func validColumns(kj: Int) -> Range<Int> {
        let first = min(max(0, padding - kj), outputWidth)
        return first..<max(first, min(outputWidth, width + padding - kj))
    }

    /// im2col of one tap, one output row at a time: the general case (valid convolution,
    /// or padding that changes the size).
    private func unfoldLines(of plane: UnsafePointer<Float>, ki: Int, kj: Int, into target: UnsafeMutablePointer<Float>) {
        let valid = validColumns(kj: kj)
        for oh in 0..<outputHeight {
            let ih = oh + ki - padding
            let line = target + oh * outputWidth
            guard ih >= 0, ih < height else {
                line.update(repeating: 0, count: outputWidth)
                continue
            }
            line.update(repeating: 0, count: valid.lowerBound)
            (line + valid.lowerBound).update(from: plane + ih * width + valid.lowerBound + kj - padding, count: valid.count)
            (line + valid.upperBound).update(repeating: 0, count: outputWidth - valid.upperBound)
        }
    }

    /// col2im for one example: the adjoint of `unfold`, summing every patch entry back onto
    /// its pixel. Patch entries that fell into the padding are dropped; in the size-preserving
    /// case they are zeroed in place first (the patch gradient is scratch) so each tap is one
    /// contiguous vector add.
    private func fold(_ columns: UnsafeMutablePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let plane = height * width
        image.update(repeating: 0, count: inputChannels * plane)
        var row = 0
        for c in 0..<inputChannels {
            let target = image + c * plane
            for ki in 0..<kernelSize {
                for kj in 0..<kernelSize {
                    let source = columns + row * patchColumns
                    if preservesSize {
                        let tap = ShiftedTap(ki: ki, kj: kj, padding: padding, height: height, width: width)
                        zero(tap.paddingColumns(width: width), ofRows: tap.rows, in: source)
                        VectorKernels.add(
                            source + tap.flat.lowerBound, into: target + tap.flat.lowerBound + tap.offset,
                            count: tap.flat.count)
                    } else {
                        foldLines(source, ki: ki, kj: kj, into: target)
                    }
                    row += 1
                }
            }
        }
    }

    /// col2im of one tap, one output row at a time (the general case of `fold`).
    private func foldLines(_ source: UnsafePointer<Float>, ki: Int, kj: Int, into plane: UnsafeMutablePointer<Float>) {
        let valid = validColumns(kj: kj)
        guard !valid.isEmpty else { return }
        for oh in 0..<outputHeight {
            let ih = oh + ki - padding
            guard ih >= 0, ih < height else { continue }
            VectorKernels.add(
                source + oh * outputWidth + valid.lowerBound,
                into: plane + ih * width + valid.lowerBound + kj - padding, count: valid.count)
        }
    }
}
