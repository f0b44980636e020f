/// In-place selection on small float arrays: the per-coordinate kernel of the median,
/// trimmed-mean and Bulyan rules. Quickselect (Hoare 1961) with a median-of-three pivot is
/// O(n) on average, several times cheaper than sorting each coordinate's n values.
enum OrderStatistics {
    /// Rearranges `values[0..<count]` so that position `k` holds the k-th smallest value,
    /// everything before it is <= it and everything after is >= it; returns that value.
    @discardableResult
    static func select(_ values: UnsafeMutablePointer<Float>, count: Int, k: Int) -> Float {
        var low = 0, high = count - 1
        while high > low {
            let middle = low + (high - low) / 2
            // Median of three as the pivot, moved to `middle`.
            if values[middle] < values[low] { swap(values, middle, low) }
            if values[high] < values[low] { swap(values, high, low) }
            if values[high] < values[middle] { swap(values, high, middle) }
            let pivot = values[middle]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    swap(values, i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { break }
        }
        return values[k]
    }

    /// The median (mean of the two middle values for an even count), as numpy computes it.
    static func median(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let upper = select(values, count: count, k: count / 2)
        guard count % 2 == 0 else { return upper }
        var lower = values[0]
        for i in 1..<(count / 2) where values[i] > lower { lower = values[i] }
        return (lower + upper) / 2
    }

    /// Mean of the values left after dropping the `trim` smallest and `trim` largest.
    static func trimmedMean(_ values: UnsafeMutablePointer<Float>, count: Int, trim: Int) -> Float {
        precondition(2 * trim < count, "cannot trim \(trim) from each end of \(count) values")
        if trim > 0 {
            select(values, count: count, k: trim)
            if count - 2 * trim >= 2 {
                select(values + trim + 1, count: count - trim - 1, k: count - 2 * trim - 2)
            }
        }
        var sum: Float = 0
        for i in trim..<(count - trim) { sum += values[i] }
        return sum / Float(count - 2 * trim)
    }

    @inline(__always)
    private static func swap(_ values: UnsafeMutablePointer<Float>, _ a: Int, _ b: Int) {
        let t = values[a]
        values[a] = values[b]
        values[b] = t
    }
}
