/// A coordinate-wise statistic read off a column's values in ascending order: the median
/// (numpy's: the mean of the two middle values for an even count) or the trimmed mean. Reading
/// sorted values also fixes the trimmed mean's summation order, smallest kept value first.
enum SortedStatistic: Sendable, Equatable {
    case median
    case trimmedMean(trim: Int)

    @inline(__always)
    func value<Element: ColumnElement>(ofSorted sorted: UnsafePointer<Element>, count: Int) -> Element {
        switch self {
        case .median:
            guard count % 2 == 0 else { return sorted[count / 2] }
            return (sorted[count / 2 - 1] + sorted[count / 2]).divided(by: 2)
        case .trimmedMean(let trim):
            var sum = sorted[trim]
            for index in (trim + 1)..<(count - trim) { sum = sum + sorted[index] }
            return sum.divided(by: Float(count - 2 * trim))
        }
    }

    /// Fails before any work when the statistic cannot be taken over `count` values.
    func check(count: Int) throws(AggregationRuleError) {
        guard count >= 1 else { throw .invalid("no updates to aggregate") }
        if case .trimmedMean(let trim) = self, trim < 0 || 2 * trim >= count {
            throw .invalid("cannot trim \(trim) values from each end of \(count)")
        }
    }
}
