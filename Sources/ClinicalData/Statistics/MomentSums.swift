/// Count, sum and sum of squares of values shifted by an agreed constant: the additive form
/// of the mean and variance.
///
/// Additive, so site contributions can be summed by the coordinator, or later under secure
/// aggregation, which only ever reveals sums. Shifted, because the textbook
/// `(sum(x^2) - sum(x)^2 / n) / (n - 1)` loses most significant digits when the mean is large
/// relative to the spread (cholesterol ~200 mg/dL with sd ~40): with the shift agreed in
/// advance near the data (the centre of the schema's plausible range), both sums stay small
/// and the subtraction is benign. Sites accumulate with Neumaier's compensated summation.
public struct MomentSums: Codable, Hashable, Sendable {
    public var shift: Double
    public var count: Int
    /// Sum of (x - shift).
    public var sum: Double
    /// Sum of (x - shift)^2.
    public var sumOfSquares: Double

    public init(shift: Double, count: Int = 0, sum: Double = 0, sumOfSquares: Double = 0) {
        self.shift = shift
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// The sums of `values`, compensated.
    public init(shift: Double, values: some Sequence<Double>) {
        var sum = CompensatedSum()
        var squares = CompensatedSum()
        var count = 0
        for value in values {
            let centered = value - shift
            sum.add(centered)
            squares.add(centered * centered)
            count += 1
        }
        self.init(shift: shift, count: count, sum: sum.value, sumOfSquares: squares.value)
    }

    /// Sums of two disjoint sets of values with the same shift.
    public static func + (lhs: MomentSums, rhs: MomentSums) -> MomentSums {
        precondition(lhs.shift == rhs.shift, "moment sums with different shifts cannot be added")
        return MomentSums(
            shift: lhs.shift, count: lhs.count + rhs.count, sum: lhs.sum + rhs.sum,
            sumOfSquares: lhs.sumOfSquares + rhs.sumOfSquares)
    }

    /// Adds `count` copies of `value` (imputed values).
    public func adding(_ value: Double, times count: Int) -> MomentSums {
        let centered = value - shift
        return MomentSums(
            shift: shift, count: self.count + count, sum: sum + Double(count) * centered,
            sumOfSquares: sumOfSquares + Double(count) * centered * centered)
    }

    public var mean: Double? { count > 0 ? shift + sum / Double(count) : nil }

    /// Unbiased (n - 1) variance, as `torch.std` and FLamby use.
    public var variance: Double? {
        guard count > 1 else { return nil }
        return max(0, (sumOfSquares - sum * sum / Double(count)) / Double(count - 1))
    }
}

/// Neumaier's variant of Kahan summation: the rounding error of each addition is carried.
struct CompensatedSum {
    private var total = 0.0
    private var compensation = 0.0

    mutating func add(_ value: Double) {
        let next = total + value
        if abs(total) >= abs(value) {
            compensation += (total - next) + value
        } else {
            compensation += (value - next) + total
        }
        total = next
    }

    var value: Double { total + compensation }
}
