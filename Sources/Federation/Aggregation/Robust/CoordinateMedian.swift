/// Coordinate-wise median (Yin, Chen, Ramchandran & Bartlett, ICML 2018): each parameter
/// moves by the median of the sites' changes, so fewer than half the sites cannot drag it
/// arbitrarily far. Memory: the round's updates in an `UpdateStore` (RAM up to its budget,
/// then a temporary file) plus one `updates x block` working block, and per core one
/// sorting-network column of 16 x (updates rounded up to a power of two) floats.
public struct CoordinateMedian: AggregationRule {
    public init() {}
    public var name: String { "median" }
    public var minimumUpdates: Int { 1 }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        BufferedAggregator(parameterCount: context.globalParameters.count) { store, _ in
            (try aggregateSortedCoordinates(of: store, statistic: .median), nil)
        }
    }
}
