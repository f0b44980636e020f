/// Non-overlapping max pooling (window = stride = `size`), NCHW. Remembers where each maximum
/// came from so the backward pass routes the gradient there and nowhere else.
///
/// Ties go to the first maximum in row-major order within the window, as in PyTorch, and
/// trailing rows or columns that do not fill a window are dropped (floor mode).
public final class MaxPool2D: Layer {
    public let size: Int
    private var channels = 0, height = 0, width = 0
    private var outputHeight = 0, outputWidth = 0
    /// For each output, the flat index of its maximum within the input plane.
    private var winners: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    private var winnerCapacity = 0
    public var kind: String { "maxpool" }

    public init(size: Int = 2) {
        precondition(size > 0, "pool size must be positive")
        self.size = size
    }

    deinit { winners.deallocate() }

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        guard inputShape.rank == 3, inputShape.dimensions[1] >= size, inputShape.dimensions[2] >= size else {
            throw .shapeMismatch(layer: "maxpool", expected: "[channels, height >= \(size), width >= \(size)]", got: inputShape)
        }
        channels = inputShape.dimensions[0]
        height = inputShape.dimensions[1]
        width = inputShape.dimensions[2]
        outputHeight = height / size
        outputWidth = width / size
        return Shape(channels, outputHeight, outputWidth)
    }

    public func reserve(batchCapacity capacity: Int) {
        let needed = capacity * channels * outputHeight * outputWidth
        if winnerCapacity < needed {
            winners.deallocate()
            winners = .allocate(capacity: needed)
            winnerCapacity = needed
        }
    }

    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator
    ) {
        reserve(batchCapacity: batch)
        let inputPlane = height * width
        let outputPlane = outputHeight * outputWidth
        for plane in 0..<(batch * channels) {
            let x = input + plane * inputPlane
            let y = output + plane * outputPlane
            let from = winners + plane * outputPlane
            if size == 2 {
                poolPairs(x, into: y, winners: from)
            } else {
                poolWindows(x, into: y, winners: from)
            }
        }
    }

    /// 2x2 windows, four at a time: the comparisons become vector selects rather than
    /// branches (which of four ReLU outputs is largest is a coin flip, and mispredicted
    /// branches made pooling cost as much as a convolution).
    private func poolPairs(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
        winners: UnsafeMutablePointer<Int32>
    ) {
        let right = SIMD4<Int32>(repeating: 1)
        let below = SIMD4<Int32>(repeating: Int32(width))
        let diagonal = SIMD4<Int32>(repeating: Int32(width + 1))
        let stepping = SIMD4<Int32>(0, 2, 4, 6)
        var out = 0
        for oh in 0..<outputHeight {
            let top = x + 2 * oh * width
            let bottom = top + width
            var ow = 0
            while ow + 4 <= outputWidth {
                let upper = UnsafeRawPointer(top + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
                let lower = UnsafeRawPointer(bottom + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
                var best = upper.evenHalf
                var at = SIMD4<Int32>(repeating: 0)
                var better = upper.oddHalf .> best
                best.replace(with: upper.oddHalf, where: better)
                at.replace(with: right, where: better)
                better = lower.evenHalf .> best
                best.replace(with: lower.evenHalf, where: better)
                at.replace(with: below, where: better)
                better = lower.oddHalf .> best
                best.replace(with: lower.oddHalf, where: better)
                at.replace(with: diagonal, where: better)
                at &+= SIMD4(repeating: Int32(2 * oh * width + 2 * ow)) &+ stepping
                UnsafeMutableRawPointer(y + out).storeBytes(of: best, as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(winners + out).storeBytes(of: at, as: SIMD4<Int32>.self)
                out += 4
                ow += 4
            }
            while ow < outputWidth {
                let corner = 2 * oh * width + 2 * ow
                var best = x[corner], at = corner
                if x[corner + 1] > best {
                    best = x[corner + 1]
                    at = corner + 1
                }
                if x[corner + width] > best {
                    best = x[corner + width]
                    at = corner + width
                }
                if x[corner + width + 1] > best {
                    best = x[corner + width + 1]
                    at = corner + width + 1
                }
                y[out] = best
                winners[out] = Int32(truncatingIfNeeded: at)
                out += 1
                ow += 1
            }
        }
    }

    private func poolWindows(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
        winners: UnsafeMutablePointer<Int32>
    ) {
        var out = 0
        for oh in 0..<outputHeight {
            for ow in 0..<outputWidth {
                var best = (oh * size) * width + ow * size
                var bestValue = x[best]
                for i in 0..<size {
                    let rowStart = (oh * size + i) * width + ow * size
                    for j in 0..<size where x[rowStart + j] > bestValue {
                        bestValue = x[rowStart + j]
                        best = rowStart + j
                    }
                }
                y[out] = bestValue
                winners[out] = Int32(truncatingIfNeeded: best)
                out += 1
            }
        }
    }

    public func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>
    ) {
        guard let inputGradient else { return }
        let inputPlane = height * width
        let outputPlane = outputHeight * outputWidth
        // Windows tile the plane exactly when the size divides both sides; then writing every
        // window in full covers each pixel once and no separate zero fill is needed.
        let tiles = height % size == 0 && width % size == 0
        if !tiles { inputGradient.update(repeating: 0, count: batch * channels * inputPlane) }
        for plane in 0..<(batch * channels) {
            let dx = inputGradient + plane * inputPlane
            let dy = outputGradient + plane * outputPlane
            let from = winners + plane * outputPlane
            if size == 2 {
                routePairs(dy, winners: from, into: dx)
            } else {
                routeWindows(dy, winners: from, into: dx)
            }
        }
    }

    /// Writes each 2x2 window of the input gradient in full: zeros, then `g` over the winner.
    /// Unconditional stores, because a branch (or a select, which the compiler turns back
    /// into branches here) per pixel on an unpredictable winner costs more than the stores.
    private func routePairs(
        _ dy: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
        into dx: UnsafeMutablePointer<Float>
    ) {
        let zeros = SIMD2<Float>(repeating: 0)
        var out = 0
        for oh in 0..<outputHeight {
            let top = 2 * oh * width
            for ow in 0..<outputWidth {
                let corner = top + 2 * ow
                UnsafeMutableRawPointer(dx + corner).storeBytes(of: zeros, as: SIMD2<Float>.self)
                UnsafeMutableRawPointer(dx + corner + width).storeBytes(of: zeros, as: SIMD2<Float>.self)
                dx[Int(winners[out])] = dy[out]
                out += 1
            }
        }
    }

    private func routeWindows(
        _ dy: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
        into dx: UnsafeMutablePointer<Float>
    ) {
        var out = 0
        for oh in 0..<outputHeight {
            for ow in 0..<outputWidth {
                let g = dy[out]
                let winner = Int(winners[out])
                let corner = oh * size * width + ow * size
                for i in 0..<size {
                    let rowStart = corner + i * width
                    for j in 0..<size {
                        dx[rowStart + j] = rowStart + j == winner ? g : 0
                    }
                }
                out += 1
            }
        }
    }
}
