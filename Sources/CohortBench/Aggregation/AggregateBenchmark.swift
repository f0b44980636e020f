import Dispatch
import Federation
import Foundation
import Learning

/// Measures FedAvg aggregation as the coordinator does it: K updates of P float32 values
/// folded one by one into the round's running sum (`RoundAccumulator`).
///
/// The updates come from a pool of at most `poolBytes` (256 MiB by default, far larger than
/// the last-level cache) that is cycled through, standing in for updates arriving from the
/// network: every fold reads its update from main memory, and the process's memory does not
/// grow with K, just as the coordinator's does not.
package struct AggregateBenchmark {
    package var clients: Int
    package var parameters: Int
    /// The aggregation rule measured (the plain mean unless a robust rule is asked for).
    package var rule: AggregationRuleSpec = AggregationRuleSpec()
    package var poolBytes = 256 << 20
    package var repetitions = 3

    package struct Result: Codable {
        package var rule: String
        package var clients: Int
        package var parameters: Int
        package var bytesFolded: Int
        package var seconds: Double
        package var gigabytesPerSecond: Double
        /// Reading the same pool with the same threads, no arithmetic: the machine's ceiling.
        package var memoryReadGigabytesPerSecond: Double
        package var fractionOfMemoryBandwidth: Double
        package var peakRssBytes: Int
        package var poolBytes: Int
        package var poolUpdates: Int
        package var threads: Int
    }

    package init(clients: Int, parameters: Int, rule: AggregationRuleSpec = AggregationRuleSpec(), poolBytes: Int = 256 << 20, repetitions: Int = 3) {
        self.clients = clients
        self.parameters = parameters
        self.rule = rule
        self.poolBytes = poolBytes
        self.repetitions = repetitions
    }

    package func run() -> Result {
        let poolCount = max(2, min(clients, poolBytes / max(parameters * 4, 1)))
        var generator = SeededGenerator(seed: 7)
        let pool: [SiteUpdate] = (0..<poolCount).map { index in
            var delta = [Float](repeating: 0, count: parameters)
            for i in 0..<parameters { delta[i] = generator.nextUnitFloat() - 0.5 }
            return SiteUpdate(
                study: "bench", site: SiteID("site-\(index)"), round: 1, delta: delta,
                sampleCount: 100 + index, training: TrainingSummary(steps: 1, examples: 1, meanLoss: 0))
        }
        let clock = ContinuousClock()
        let rule = try! self.rule.makeRule(model: .logisticRegression, seed: 1)
        let context = RoundContext(
            round: 1, globalParameters: [Float](repeating: 0, count: parameters),
            instructions: TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1)))
        func foldAll() -> [Float] {
            var aggregator = try! rule.makeAggregator(for: context)
            for k in 0..<clients {
                var update = pool[k % poolCount]
                update.site = SiteID("site-\(k)")
                try! aggregator.fold(update)
            }
            return try! aggregator.finish().meanDelta
        }
        _ = foldAll()  // warm-up: page in the accumulator and code
        var times: [Double] = []
        var checksum: Float = 0
        for _ in 0..<repetitions {
            let start = clock.now
            let mean = foldAll()
            times.append((clock.now - start).inSeconds)
            checksum += mean[parameters / 2]
        }
        precondition(checksum.isFinite, "aggregate is not finite")
        let seconds = times.sorted()[times.count / 2]
        let bytes = clients * parameters * 4
        let bandwidth = readBandwidth(pool)
        let throughput = Double(bytes) / seconds / 1e9
        return Result(
            rule: rule.name, clients: clients, parameters: parameters, bytesFolded: bytes, seconds: seconds,
            gigabytesPerSecond: throughput, memoryReadGigabytesPerSecond: bandwidth,
            fractionOfMemoryBandwidth: throughput / bandwidth,
            peakRssBytes: ProcessMemory.peakResidentBytes(), poolBytes: poolCount * parameters * 4,
            poolUpdates: poolCount, threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Sums every pooled update once with all cores, the same access pattern without the fold.
    private func readBandwidth(_ pool: [SiteUpdate]) -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for _ in 0..<3 {
            let start = clock.now
            var total: Float = 0
            for update in pool {
                update.delta.withUnsafeBufferPointer { buffer in
                    let partials = UnsafeMutableBufferPointer<Float>.allocate(capacity: cores)
                    defer { partials.deallocate() }
                    let base = SharedPointer(buffer.baseAddress!), sums = SharedPointer(partials.baseAddress!)
                    let count = buffer.count
                    let chunk = (count + cores - 1) / cores
                    DispatchQueue.concurrentPerform(iterations: cores) { part in
                        let lower = part * chunk, upper = min(count, lower + chunk)
                        sums.pointer[part] = AggregateBenchmark.sum(base.pointer + lower, count: max(0, upper - lower))
                    }
                    for part in 0..<cores { total += partials[part] }
                }
            }
            best = min(best, (clock.now - start).inSeconds)
            precondition(total.isFinite)
        }
        return Double(pool.count * parameters * 4) / best / 1e9
    }
}

extension AggregateBenchmark {
    /// A plain vectorized sum (four independent SIMD accumulators) that streams memory.
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(values)
        var a = SIMD16<Float>(), b = SIMD16<Float>(), c = SIMD16<Float>(), d = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            a += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            b += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
            c += raw.loadUnaligned(fromByteOffset: (i + 32) * 4, as: SIMD16<Float>.self)
            d += raw.loadUnaligned(fromByteOffset: (i + 48) * 4, as: SIMD16<Float>.self)
            i += 64
        }
        var total = (a + b + c + d).sum()
        while i < count {
            total += values[i]
            i += 1
        }
        return total
    }
}
