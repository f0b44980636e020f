/// Element-wise loops over raw Float buffers, written with explicit SIMD so they vectorize
/// whatever the optimizer decides about aliasing or conditional loads. Layers spend most of
/// their non-BLAS time in passes like these (bias adds, ReLU masks, bias-gradient sums);
/// as plain scalar loops with a branch per element they cost more than the matrix products.
///
/// Unaligned loads and stores throughout: callers pass interior pointers (one example, one
/// channel) of buffers whose alignment holds only at their start.
enum VectorKernels {
    typealias Lanes = SIMD8<Float>
    static let width = Lanes.scalarCount

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ value: Lanes, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }

    /// `target[i] += source[i]`.
    static func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + width <= count {
            store(load(target + i) + load(source + i), to: target + i)
            i += width
        }
        while i < count {
            target[i] += source[i]
            i += 1
        }
    }

    /// `target[i] = source[i] + value`.
    static func copy(
        _ source: UnsafePointer<Float>, adding value: Float, into target: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        let shift = Lanes(repeating: value)
        var i = 0
        while i + width <= count {
            store(load(source + i) + shift, to: target + i)
            i += width
        }
        while i < count {
            target[i] = source[i] + value
            i += 1
        }
    }

    /// `target[i] = max(source[i] + value, 0)`: a bias add and a ReLU in one pass. A NaN stays
    /// NaN (as in PyTorch) rather than being hidden as 0.
    static func rectify(
        _ source: UnsafePointer<Float>, adding value: Float, into target: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        let shift = Lanes(repeating: value)
        let zero = Lanes(repeating: 0)
        var i = 0
        while i + width <= count {
            let v = load(source + i) + shift
            store(v.replacing(with: 0, where: v .< zero), to: target + i)
            i += width
        }
        while i < count {
            let v = source[i] + value
            target[i] = v < 0 ? 0 : v
            i += 1
        }
    }

    /// `target[i] = max(source[i], 0)`.
    static func rectify(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        rectify(source, adding: 0, into: target, count: count)
    }

    /// `target[i] = output[i] > 0 ? gradient[i] : 0`: ReLU's backward pass, read off its output.
    /// Returns the sum of what it wrote (a fused convolution's bias gradient needs it).
    @discardableResult
    static func passWherePositive(
        _ gradient: UnsafePointer<Float>, output: UnsafePointer<Float>,
        into target: UnsafeMutablePointer<Float>, count: Int
    ) -> Float {
        let zero = Lanes(repeating: 0)
        var sum = Lanes(repeating: 0)
        var i = 0
        while i + width <= count {
            let g = load(gradient + i).replacing(with: 0, where: load(output + i) .<= zero)
            store(g, to: target + i)
            sum += g
            i += width
        }
        var total = sum.sum()
        while i < count {
            let g = gradient[i]
            target[i] = output[i] > 0 ? g : 0
            total += target[i]
            i += 1
        }
        return total
    }

    /// The sum of `count` values: eight running partial sums (one per lane), so the adds
    /// pipeline instead of waiting on one running Float total. The order of additions is the
    /// same as in `passWherePositive`'s sum, so a convolution's bias gradient is bit for bit
    /// the same whether its ReLU is fused or not.
    static func sum(_ source: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = Lanes(repeating: 0)
        var i = 0
        while i + width <= count {
            lanes += load(source + i)
            i += width
        }
        var total = lanes.sum()
        while i < count {
            total += source[i]
            i += 1
        }
        return total
    }
}
