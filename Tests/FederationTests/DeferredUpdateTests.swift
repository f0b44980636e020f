import CohortTestSupport
import Foundation
import Learning
import Synchronization
import Testing

@testable import Federation

/// Deferred vectors served from memory in small, odd-sized chunks, as a spool would serve
/// them from disk; `failOnRead` makes the n-th read of the delta fail (1-based).
final class ChunkedVectors: DeferredVectors {
    let vectors: [VectorName: [Float]]
    let names: [VectorName]
    let chunk: Int
    let failOnRead: Int?
    private let reads = Mutex(0)

    init(_ update: SiteUpdate, chunk: Int, failOnRead: Int? = nil) {
        var vectors: [VectorName: [Float]] = [.delta: update.delta]
        for (name, values) in update.vectors { vectors[name] = values }
        self.vectors = vectors
        names = update.vectorNames
        self.chunk = chunk
        self.failOnRead = failOnRead
    }

    func count(of kind: VectorName) -> Int? { vectors[kind]?.count }

    func forEachChunk(of kind: VectorName, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard let values = vectors[kind] else { return }
        if kind == .delta {
            let read = reads.withLock { count in
                count += 1
                return count
            }
            if read == failOnRead { throw ChunkReadFailure() }
        }
        try values.withUnsafeBufferPointer { buffer in
            var start = 0
            repeat {
                let end = min(values.count, start + chunk)
                try body(start..<end, UnsafeBufferPointer(rebasing: buffer[start..<end]))
                start = end
            } while start < values.count
        }
    }
}

/// Deferred vectors that hand over exactly the given ranges, right or wrong.
struct ScriptedVectors: DeferredVectors {
    let count: Int
    let ranges: [Range<Int>]

    var names: [VectorName] { [.delta] }
    func count(of kind: VectorName) -> Int? { kind == .delta ? count : nil }

    func forEachChunk(of kind: VectorName, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        for range in ranges {
            let values = [Float](repeating: 1, count: range.count)
            try values.withUnsafeBufferPointer { try body(range, $0) }
        }
    }
}

struct ChunkReadFailure: Error, CustomStringConvertible {
    var description: String { "injected read failure" }
}

/// How `DeferringTransport` hands updates over.
struct Deferral: Sendable {
    var chunk = 7
    /// Site whose delta fails on the given read (1: while it is checked, 2: while it is folded).
    var failing: (site: SiteID, read: Int)?
}

/// Hands every update over deferred, as the deployed coordinator's transport does with large uploads.
struct DeferringTransport: Transport {
    let base: any Transport
    let deferral: Deferral

    func availableSites() async -> [SiteID] { await base.availableSites() }

    func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        let update = try await base.train(request, at: site)
        var deferred = update
        deferred.deferred = ChunkedVectors(
            update, chunk: deferral.chunk,
            failOnRead: deferral.failing?.site == site ? deferral.failing?.read : nil)
        deferred.delta = []
        deferred.vectors = [:]
        return deferred
    }

    func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        try await base.evaluate(request, at: site)
    }
}

@Suite struct DeferredUpdateTests {
    let sites = SyntheticSites.make()

    func simulation(
        rule: AggregationRuleSpec = AggregationRuleSpec(), strategy: StrategySpec = .fedAvg, monitor: SiteMonitor? = nil,
        deferral: Deferral? = nil, rounds: Int = 4
    ) throws -> Simulation {
        var simulation = Simulation(
            sites: sites, model: .mlp(hidden: [6], activation: .relu), strategy: strategy, rule: rule,
            configuration: try SyntheticSites.configuration(rounds: rounds, minimumSites: 3), monitor: monitor)
        if let deferral { simulation.transportWrapper = { DeferringTransport(base: $0, deferral: deferral) } }
        return simulation
    }

    func run(
        rule: AggregationRuleSpec = AggregationRuleSpec(), strategy: StrategySpec = .fedAvg, monitor: SiteMonitor? = nil,
        deferral: Deferral? = nil, rounds: Int = 4
    ) async throws -> StudyOutcome {
        try await simulation(rule: rule, strategy: strategy, monitor: monitor, deferral: deferral, rounds: rounds).run()
    }

    @Test(
        "deferred updates, read in odd chunks, give the same bits as updates in memory",
        arguments: [AggregationRuleSpec(), AggregationRuleSpec(.median), AggregationRuleSpec(.mean, normBound: .fixed(0.5))])
    func sameBits(rule: AggregationRuleSpec) async throws {
        let resident = try await run(rule: rule)
        let deferred = try await run(rule: rule, deferral: Deferral())
        #expect(deferred.finalParameters == resident.finalParameters)
        #expect(deferred.rounds.allSatisfy { $0.accepted && $0.contributors.count == 4 })
    }

    @Test("SCAFFOLD's control deltas and the monitor's measurements are read from deferred updates too")
    func controlDeltasAndMonitor() async throws {
        let resident = try await run(strategy: .scaffold(), monitor: SiteMonitor())
        let deferred = try await run(strategy: .scaffold(), monitor: SiteMonitor(), deferral: Deferral(chunk: 5))
        #expect(deferred.finalParameters == resident.finalParameters)
        #expect(resident.rounds.contains { !$0.anomalies.isEmpty })
        #expect(deferred.rounds.map(\.anomalies) == resident.rounds.map(\.anomalies))
    }

    @Test("an update that cannot be read back while it is checked is rejected; the round goes on without it")
    func unreadableWhileChecked() async throws {
        let outcome = try await run(deferral: Deferral(failing: ("site-1", 1)), rounds: 1)
        let round = try #require(outcome.rounds.first)
        #expect(round.rejections.map(\.site) == ["site-1"])
        #expect(round.rejections.first?.reason.contains("could not be read back") == true)
        #expect(round.accepted)
        #expect(round.contributors == ["site-0", "site-2", "site-3"])
    }

    @Test("an update that fails half-way into the sum voids the round instead of applying part of it")
    func unreadableWhileFolded() async throws {
        // site-3 is folded last: three sites are in, enough for the round, but the sum holds part of site-3.
        let study = try simulation(deferral: Deferral(failing: ("site-3", 2)), rounds: 1)
        let outcome = try await study.run()
        let round = try #require(outcome.rounds.first)
        #expect(!round.accepted)
        #expect(round.failures.contains { $0.site == "site-3" && $0.reason.contains("could not be aggregated") })
        // The coordinator's own trouble is a typed problem of the round, not a failure under a site.
        #expect(!round.failures.contains { $0.site == "coordinator" })
        #expect(
            round.problems.contains { problem in
                guard case .aggregationFailed = problem else { return false }
                return problem.description.contains("model is unchanged")
            })
        #expect(outcome.finalParameters == (try study.initialModel().parameters))
    }

    @Test("a chunked sum has the bits of a whole one, signed zeros included; a vector that stops short is refused")
    func weightedSumInChunks() throws {
        var generator = SeededGenerator(seed: 3)
        let count = WeightedSum.parallelThreshold + 17
        var vectors = (0..<3).map { _ in (0..<count).map { _ in generator.nextUnitFloat() * 2 - 1 } }
        vectors[0][5] = -0.0
        var whole = WeightedSum(count: count)
        var chunked = WeightedSum(count: count)
        for (index, vector) in vectors.enumerated() {
            whole.add(vector, weight: Double(index + 1))
            try chunked.add(weight: Double(index + 1)) { fold in
                try vector.withUnsafeBufferPointer { buffer in
                    for start in stride(from: 0, to: count, by: 1000) {
                        let range = start..<min(count, start + 1000)
                        try fold(range, UnsafeBufferPointer(rebasing: buffer[range]))
                    }
                }
            }
        }
        #expect(chunked.sum.map(\.bitPattern) == whole.sum.map(\.bitPattern))
        var broken = WeightedSum(count: 10)
        let values = [Float](repeating: 1, count: 10)
        #expect(throws: WeightedSumError.self) {
            try broken.add(weight: 1) { fold in try values.withUnsafeBufferPointer { try fold(0..<5, UnsafeBufferPointer(rebasing: $0[0..<5])) } }
        }
        #expect(broken.contributions == 0)
    }

    @Test(
        "chunks a transport hands over out of order, overlapping, past the end or short are refused before any reader sees them",
        arguments: [[0..<4, 6..<10], [0..<6, 4..<10], [0..<6, 6..<12], [0..<6]])
    func malformedChunks(ranges: [Range<Int>]) throws {
        var update = SiteUpdate(study: "s", site: "a", round: 1, delta: [], sampleCount: 1, training: TrainingSummary(steps: 1, examples: 1, meanLoss: 0))
        update.deferred = ScriptedVectors(count: 10, ranges: ranges)
        var seen: [Range<Int>] = []
        #expect(throws: DeferredVectorsError.self) { try update.forEachChunk(of: .delta) { range, _ in seen.append(range) } }
        #expect(seen.allSatisfy { $0.upperBound <= 10 })
        #expect(throws: DeferredVectorsError.self) { try update.resolved() }
        var sum = RoundAccumulator(parameterCount: 10, weighting: .uniform)
        #expect(throws: AccumulatorDamage.self) { try sum.fold(update) }
        #expect(sum.contributors.isEmpty)
    }

    @Test("checks find a NaN deep in a deferred update at its absolute index, and the shape from its announced count")
    func checks() throws {
        var delta = [Float](repeating: 0.5, count: 100)
        delta[73] = .nan
        var update = SiteUpdate(
            study: "s", site: "a", round: 1, delta: [], sampleCount: 3,
            training: TrainingSummary(steps: 1, examples: 3, meanLoss: 0))
        update.deferred = ChunkedVectors(
            SiteUpdate(
                study: "s", site: "a", round: 1, delta: delta, sampleCount: 3,
                training: TrainingSummary(steps: 1, examples: 3, meanLoss: 0)), chunk: 16)
        #expect(throws: UpdateRejection.nonFinite(index: 73)) { try UpdateCheck(study: "s", round: 1, parameterCount: 100).validate(update, from: "a") }
        #expect(throws: UpdateRejection.wrongShape(expected: 99, got: 100)) {
            try UpdateCheck(study: "s", round: 1, parameterCount: 99).validate(update, from: "a")
        }
        #expect(throws: UpdateRejection.unsealed) { try UpdateCheck(study: "s", round: 1, parameterCount: 100, sealed: true).validate(update, from: "a") }
        delta[73] = 1
        update.deferred = ChunkedVectors(
            SiteUpdate(
                study: "s", site: "a", round: 1, delta: delta, sampleCount: 3,
                training: TrainingSummary(steps: 1, examples: 3, meanLoss: 0)), chunk: 16)
        try UpdateCheck(study: "s", round: 1, parameterCount: 100).validate(update, from: "a")
        #expect(try update.resolved().delta == delta)
        #expect(try update.resolved().deferred == nil)
    }

    @Test("norm and cosine read in chunks have the bits of the whole-vector versions")
    func normAndCosine() throws {
        var generator = SeededGenerator(seed: 11)
        let delta = (0..<5000).map { _ in generator.nextUnitFloat() - 0.5 }
        let reference = (0..<5000).map { _ in generator.nextUnitFloat() - 0.5 }
        var update = SiteUpdate(study: "s", site: "a", round: 1, delta: [], sampleCount: 1, training: TrainingSummary(steps: 1, examples: 1, meanLoss: 0))
        update.deferred = ChunkedVectors(
            SiteUpdate(
                study: "s", site: "a", round: 1, delta: delta, sampleCount: 1,
                training: TrainingSummary(steps: 1, examples: 1, meanLoss: 0)), chunk: 333)
        let measured = try VectorMath.normAndCosine(of: update, to: (reference, VectorMath.norm(reference)))
        #expect(measured.norm.bitPattern == VectorMath.norm(delta).bitPattern)
        #expect(measured.cosine?.bitPattern == VectorMath.cosine(delta, reference).bitPattern)
    }
}
