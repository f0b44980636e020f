/// Batcher's odd-even merge sort (Batcher 1968) as a fixed list of compare-exchanges for
/// `count` inputs, padded to a power of two with +infinity. A fixed network has no branches, so
/// applied to SIMD lanes it sorts sixteen coordinates' columns at once with min and max
/// instructions; the per-coordinate quickselect it replaces was branchy and scalar, and held the
/// median and trimmed mean to about 0.5 GB/s.
struct SortingNetwork: Sendable {
    /// The inputs that carry values; positions `count..<paddedCount` must hold +infinity.
    let count: Int
    let paddedCount: Int
    /// Compare-exchange pairs (lower, higher), flattened.
    private let pairs: [Int]

    init(count: Int) {
        precondition(count >= 1, "a sorting network needs at least one input")
        var padded = 1
        while padded < count { padded *= 2 }
        self.count = count
        paddedCount = padded
        var pairs: [Int] = []
        // The iterative form of odd-even merge sort: merges of width 2p, each in rounds of
        // distance k, comparing i + j with i + j + k when both lie in the same 2p-block.
        var p = 1
        while p < padded {
            var k = p
            while k >= 1 {
                var j = k % p
                while j <= padded - 1 - k {
                    for i in 0...min(k - 1, padded - j - k - 1) where (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        pairs.append(i + j)
                        pairs.append(i + j + k)
                    }
                    j += 2 * k
                }
                k /= 2
            }
            p *= 2
        }
        self.pairs = pairs
    }

    /// Sorts `elements[0..<paddedCount]` in ascending order, lane by lane.
    @inline(__always)
    func sort<Element: ColumnElement>(_ elements: UnsafeMutablePointer<Element>) {
        pairs.withUnsafeBufferPointer { pairs in
            var index = 0
            while index < pairs.count {
                let low = pairs[index], high = pairs[index + 1]
                let a = elements[low], b = elements[high]
                elements[low] = Element.lesser(a, b)
                elements[high] = Element.greater(a, b)
                index += 2
            }
        }
    }
}

/// What the sorting network sorts: a single value, or sixteen coordinates' values side by side.
/// Both do the same IEEE operations per value, so the vector path and the scalar tail give the
/// same bits.
protocol ColumnElement {
    static var infinity: Self { get }
    static func lesser(_ a: Self, _ b: Self) -> Self
    static func greater(_ a: Self, _ b: Self) -> Self
    static func + (a: Self, b: Self) -> Self
    func divided(by divisor: Float) -> Self
}

extension Float: ColumnElement {
    @inline(__always) static func lesser(_ a: Float, _ b: Float) -> Float { b < a ? b : a }
    @inline(__always) static func greater(_ a: Float, _ b: Float) -> Float { b < a ? a : b }
    @inline(__always) func divided(by divisor: Float) -> Float { self / divisor }
}

extension SIMD16: ColumnElement where Scalar == Float {
    static var infinity: SIMD16<Float> { SIMD16(repeating: .infinity) }
    @inline(__always) static func lesser(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { a.replacing(with: b, where: b .< a) }
    @inline(__always) static func greater(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { b.replacing(with: a, where: b .< a) }
    @inline(__always) func divided(by divisor: Float) -> SIMD16<Float> { self / divisor }
}
