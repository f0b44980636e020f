import Learning
import Testing

@testable import Federation

@Suite struct WeightedSumTests {
    /// Reference in Double: sum_i w_i x_i / sum_i w_i.
    func reference(_ vectors: [[Float]], _ weights: [Double]) -> [Double] {
        var sum = [Double](repeating: 0, count: vectors[0].count)
        for (vector, weight) in zip(vectors, weights) {
            for i in vector.indices { sum[i] += weight * Double(vector[i]) }
        }
        let total = weights.reduce(0, +)
        return sum.map { $0 / total }
    }

    @Test(arguments: [7, 1000, WeightedSum.parallelThreshold * 3 + 5])
    func meanMatchesDoublePrecisionReference(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        let vectors = (0..<5).map { _ in (0..<count).map { _ in generator.nextUnitFloat() * 2 - 1 } }
        let weights: [Double] = [199, 172, 30, 85, 1]
        var sum = WeightedSum(count: count)
        for (vector, weight) in zip(vectors, weights) { sum.add(vector, weight: weight) }
        let total = sum.sum
        let mean = sum.takeMean()
        #expect(sum.sum == [Float](repeating: 0, count: count) || total.isEmpty)
        let expected = reference(vectors, weights)
        let worst = zip(mean, expected).map { abs(Double($0) - $1) }.max()!
        #expect(worst < 1e-6)
        #expect(sum.contributions == 5)
        #expect(sum.totalWeight == weights.reduce(0, +))
    }

    @Test func parallelAndSerialFoldsGiveTheSameBits() {
        // Chunks are disjoint, so threading must not change a single bit.
        let count = WeightedSum.parallelThreshold * 2 + 3
        var generator = SeededGenerator(seed: 9)
        let vectors = (0..<3).map { _ in (0..<count).map { _ in generator.nextUnitFloat() } }
        var parallel = WeightedSum(count: count)
        for vector in vectors { parallel.add(vector, weight: 3) }
        var serial = [Float](repeating: 0, count: count)
        for vector in vectors { for i in 0..<count { serial[i] += 3 * vector[i] } }
        #expect(parallel.sum == serial)
    }

    @Test func roundAccumulatorWeighsBySamplesOrUniformly() throws {
        func update(_ value: Float, samples: Int, site: String) -> SiteUpdate {
            SiteUpdate(
                study: "s", site: SiteID(site), round: 1, delta: [value, -value], sampleCount: samples,
                training: TrainingSummary(steps: 1, examples: samples, meanLoss: Double(value)))
        }
        var bySamples = RoundAccumulator(parameterCount: 2, weighting: .bySamples)
        var uniform = RoundAccumulator(parameterCount: 2, weighting: .uniform)
        for (value, samples, site) in [(Float(1), 30, "a"), (Float(4), 10, "b")] {
            try bySamples.fold(update(value, samples: samples, site: site))
            try uniform.fold(update(value, samples: samples, site: site))
        }
        let weighted = try bySamples.finish()
        #expect(weighted.meanDelta == [1.75, -1.75])  // (30*1 + 10*4) / 40
        #expect(try uniform.finish().meanDelta == [2.5, -2.5])
        #expect(weighted.totalSamples == 40)
        #expect(weighted.contributors == ["a", "b"])
        let expectedLoss: Double = (30.0 * 1 + 10.0 * 4) / 40
        #expect(weighted.meanTrainingLoss == expectedLoss)
    }
}
