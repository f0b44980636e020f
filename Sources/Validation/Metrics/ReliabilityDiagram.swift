import Federation

/// The reliability diagram: patients grouped by predicted risk into ten equal-width groups
/// (0-0.1, ..., 0.9-1), each with its mean predicted risk and its observed event rate
/// (Wilson's 95 % interval). A perfectly calibrated model's points lie on the diagonal.
///
/// A group with fewer patients than the small-cell threshold is listed without numbers, as
/// the report does for patient groups: its observed rate would describe too few people; the
/// other groups' sizes are then withheld too (`sizesWithheld`).
public struct ReliabilityDiagram: Hashable, Sendable {
    public struct Group: Hashable, Sendable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanPredicted: Double
        public var observed: Interval
        /// Fewer patients than the small-cell threshold: shown without numbers.
        public var tooSmall: Bool
    }

    public static let groupCount = 10

    public var groups: [Group]
    /// Whether the groups' sizes are withheld: with one group too small, the others' sizes
    /// and the printed total would give its size away.
    public var sizesWithheld: Bool { groups.contains(where: \.tooSmall) }

    public init(_ histogram: ScoreHistogram, minimumGroupSize: Int) {
        var counts = [Int](repeating: 0, count: Self.groupCount)
        var positives = [Int](repeating: 0, count: Self.groupCount)
        var predicted = [Double](repeating: 0, count: Self.groupCount)
        for cell in histogram.cells {
            let group = min(Self.groupCount - 1, cell.bin * Self.groupCount / histogram.binCount)
            counts[group] += cell.count
            positives[group] += cell.positives
            predicted[group] += cell.probabilitySum
        }
        groups = (0..<Self.groupCount).compactMap { index in
            guard counts[index] > 0 else { return nil }
            return Group(
                lower: Double(index) / Double(Self.groupCount), upper: Double(index + 1) / Double(Self.groupCount),
                count: counts[index], meanPredicted: predicted[index] / Double(counts[index]),
                observed: Proportion.wilsonInterval(positives[index], of: counts[index]),
                tooSmall: counts[index] < minimumGroupSize)
        }
    }
}
