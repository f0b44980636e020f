import Learning

/// The common shape of rules that need every update before deciding: updates go into an
/// `UpdateStore` (bounded memory, spilling to disk), and a combining function turns the
/// store into the round's delta when the round ends.
struct BufferedAggregator: RoundAggregator {
    struct Entry {
        var site: SiteID
        var samples: Int
        var loss: Double
    }

    /// Returns the aggregate delta and, optionally, each entry's share in it.
    typealias Combine = (UpdateStore, [Entry]) throws -> (delta: [Float], shares: [Double]?)

    private let store: UpdateStore
    private var entries: [Entry] = []
    private let combine: Combine

    init(parameterCount: Int, combine: @escaping Combine) {
        store = UpdateStore(parameterCount: parameterCount)
        self.combine = combine
    }

    var contributors: [SiteID] { entries.map(\.site) }

    mutating func fold(_ update: SiteUpdate) throws {
        try store.append(update.delta)
        entries.append(Entry(site: update.site, samples: update.sampleCount, loss: update.training.meanLoss))
    }

    mutating func finish() throws -> RoundAggregate {
        let samples = entries.map(\.samples).reduce(0, +)
        let loss = entries.map { $0.loss * Double($0.samples) }.reduce(0, +) / Double(max(samples, 1))
        guard !entries.isEmpty else {
            return RoundAggregate(
                meanDelta: [Float](repeating: 0, count: store.parameterCount), contributors: [],
                totalSamples: 0, meanTrainingLoss: 0)
        }
        let (delta, shares) = try combine(store, entries)
        var byShare: [SiteID: Double]?
        if let shares { byShare = Dictionary(zip(entries.map(\.site), shares), uniquingKeysWith: +) }
        return RoundAggregate(
            meanDelta: delta, contributors: contributors, totalSamples: samples,
            meanTrainingLoss: loss, shares: byShare)
    }
}

/// Runs a per-coordinate kernel over the store block by block: `kernel` receives one
/// coordinate's values from every update (in a scratch buffer it may reorder) and returns
/// the aggregate for that coordinate. Coordinates of a block are split across cores.
func aggregateCoordinates(
    of store: UpdateStore, rows: [Int]? = nil,
    kernel: @escaping @Sendable (UnsafeMutablePointer<Float>, Int) -> Float
) throws -> [Float] {
    let selected = rows ?? Array(0..<store.count)
    let k = selected.count
    return try forEachCoordinateChunk(of: store) { block, span, coordinates, output in
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: k)
        defer { scratch.deallocate() }
        for j in coordinates {
            for (slot, row) in selected.enumerated() { scratch[slot] = block[row * span + j] }
            output[j] = kernel(scratch, k)
        }
    }
}

/// A sorted-order statistic of every coordinate over all the store's updates. Sixteen
/// coordinates at a time go through a sorting network in SIMD lanes; the few left at the end
/// of a chunk take the same network one at a time, so every coordinate gets the same bits.
func aggregateSortedCoordinates(of store: UpdateStore, statistic: SortedStatistic) throws -> [Float] {
    let k = store.count
    try statistic.check(count: k)
    let network = SortingNetwork(count: k)
    typealias Lanes = SIMD16<Float>
    return try forEachCoordinateChunk(of: store) { block, span, coordinates, output in
        let lanes = UnsafeMutablePointer<Lanes>.allocate(capacity: network.paddedCount)
        let values = UnsafeMutablePointer<Float>.allocate(capacity: network.paddedCount)
        defer {
            lanes.deallocate()
            values.deallocate()
        }
        // The padding is filled once: sorting leaves the largest values, the +infinities, in
        // the padded positions, and each column overwrites only rows 0..<k.
        lanes.update(repeating: .infinity, count: network.paddedCount)
        values.update(repeating: .infinity, count: network.paddedCount)
        var j = coordinates.lowerBound
        while j + Lanes.scalarCount <= coordinates.upperBound {
            for row in 0..<k { lanes[row] = UnsafeRawPointer(block + row * span + j).loadUnaligned(as: Lanes.self) }
            network.sort(lanes)
            let result = statistic.value(ofSorted: lanes, count: k)
            UnsafeMutableRawPointer(output + j).storeBytes(of: result, as: Lanes.self)
            j += Lanes.scalarCount
        }
        while j < coordinates.upperBound {
            for row in 0..<k { values[row] = block[row * span + j] }
            network.sort(values)
            output[j] = statistic.value(ofSorted: values, count: k)
            j += 1
        }
    }
}

/// The block-by-block, core-by-core walk both coordinate-wise forms share: `body` gets a block
/// (row-major, `span` coordinates per update), the block's coordinates to handle on this core,
/// and the output shifted so that index j is the block's coordinate j.
private func forEachCoordinateChunk(
    of store: UpdateStore,
    _ body:
        @escaping @Sendable (
            _ block: UnsafePointer<Float>, _ span: Int, _ coordinates: Range<Int>,
            _ output: UnsafeMutablePointer<Float>
        ) -> Void
) throws -> [Float] {
    var result = [Float](repeating: 0, count: store.parameterCount)
    let blockSize = max(1024, (4 << 20) / max(store.count * 4, 1))
    try result.withUnsafeMutableBufferPointer { output in
        let out = SharedPointer(output.baseAddress!)
        try store.forEachBlock(coordinates: blockSize) { range, block in
            let span = range.count
            let source = SharedPointer(UnsafeMutablePointer(mutating: block.baseAddress!))
            let shifted = SharedPointer(out.pointer + range.lowerBound)
            Parallel.forEachChunk(of: span, minimumChunk: 1024, parallelAbove: 4096) { coordinates in
                body(UnsafePointer(source.pointer), span, coordinates, shifted.pointer)
            }
        }
    }
    return result
}
