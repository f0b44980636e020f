import Foundation
import Testing

@testable import Learning

@Suite struct BatchSamplerTests {
    static func batches(_ sampler: inout BatchSampler, count: Int) -> [[Int]] {
        (0..<count).map { _ in Array(sampler.nextBatch()) }
    }

    @Test func sameSeedGivesIdenticalBatches() {
        var a = BatchSampler(rowCount: 23, batchSize: 5, seed: 7)
        var b = BatchSampler(rowCount: 23, batchSize: 5, seed: 7)
        var c = BatchSampler(rowCount: 23, batchSize: 5, seed: 8)
        let first = Self.batches(&a, count: 20)
        #expect(first == Self.batches(&b, count: 20))
        #expect(first != Self.batches(&c, count: 20))
    }

    @Test func eachEpochVisitsEveryRowOnceAndEndsWithTheRemainder() {
        var sampler = BatchSampler(rowCount: 10, batchSize: 3, seed: 1)
        var orders: [[Int]] = []
        for epoch in 0..<3 {
            let batches = Self.batches(&sampler, count: 4)
            #expect(batches.map(\.count) == [3, 3, 3, 1], "epoch \(epoch)")
            #expect(sampler.epoch == epoch)
            let rows = batches.flatMap { $0 }
            #expect(rows.sorted() == Array(0..<10), "epoch \(epoch) visits every row exactly once")
            orders.append(rows)
        }
        // Reshuffled each epoch, not replayed.
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        _ = sampler.nextBatch()
        #expect(sampler.epoch == 3)
    }

    @Test func batchLargerThanTheDataTakesEverything() {
        var sampler = BatchSampler(rowCount: 4, batchSize: 10, seed: 2)
        let first = Array(sampler.nextBatch())
        #expect(first.sorted() == [0, 1, 2, 3])
        #expect(Array(sampler.nextBatch()).sorted() == [0, 1, 2, 3])
        #expect(sampler.epoch == 1)
    }

    @Test func persistedSamplerResumesMidEpoch() throws {
        var sampler = BatchSampler(rowCount: 17, batchSize: 4, seed: 9)
        _ = Self.batches(&sampler, count: 6)  // into the second epoch
        var restored = try JSONDecoder().decode(BatchSampler.self, from: JSONEncoder().encode(sampler))
        #expect(restored == sampler)
        #expect(Self.batches(&restored, count: 9) == Self.batches(&sampler, count: 9))
    }
}
