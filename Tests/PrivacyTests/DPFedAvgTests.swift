import Federation
import Foundation
import Learning
import Testing

@testable import Privacy

@Suite struct DPFedAvgTests {
    let instructions = TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1))

    func update(_ delta: [Float], _ site: String) -> SiteUpdate {
        SiteUpdate(
            study: "s", site: SiteID(site), round: 1, delta: delta, sampleCount: 5,
            training: TrainingSummary(steps: 1, examples: 5, meanLoss: 0))
    }

    func round(_ rule: inout DPFedAvg, norms: [Float], round: Int = 1) throws -> RoundAggregate {
        var aggregator = try rule.makeAggregator(for: RoundContext(round: round, globalParameters: [0, 0], instructions: instructions))
        for (index, norm) in norms.enumerated() { try aggregator.fold(update([norm, 0], "s\(index)")) }
        let aggregate = try aggregator.finish()
        rule.roundFinished(aggregate)
        return aggregate
    }

    @Test func theClipGrowsWhenMostUpdatesAreClipped() throws {
        var rule = try DPFedAvg(noiseMultiplier: 0, initialClipNorm: 0.1, expectedUpdates: 20, seed: 1)
        var clips = [rule.clipNorm]
        for r in 1...10 {
            _ = try round(&rule, norms: [Float](repeating: 1, count: 20), round: r)  // every update is above C
            clips.append(rule.clipNorm)
        }
        #expect(zip(clips, clips.dropFirst()).allSatisfy { $0 < $1 })
        // b = 0 each round: C x exp(0.2 x 0.5) per round.
        #expect(abs(clips[1] - 0.1 * Foundation.exp(0.1)) < 1e-12)
    }

    @Test func theClipShrinksWhenFewUpdatesAreClipped() throws {
        var rule = try DPFedAvg(noiseMultiplier: 0, initialClipNorm: 1, expectedUpdates: 10, seed: 1)
        _ = try round(&rule, norms: [Float](repeating: 0.01, count: 10))
        #expect(abs(rule.clipNorm - Foundation.exp(-0.1)) < 1e-12)
    }

    @Test func theClipSettlesNearTheTargetQuantile() throws {
        var rule = try DPFedAvg(noiseMultiplier: 0, initialClipNorm: 0.01, expectedUpdates: 50, seed: 1)
        let norms = (1...50).map { Float($0) / 10 }  // median 2.55
        for r in 1...200 { _ = try round(&rule, norms: norms, round: r) }
        #expect(rule.clipNorm > 2.2 && rule.clipNorm < 2.9)
    }

    @Test func updatesAreClippedAndAveragedWithoutNoise() throws {
        var rule = try DPFedAvg(noiseMultiplier: 0, initialClipNorm: 1, adaptive: false, expectedUpdates: 2, seed: 1)
        let aggregate = try round(&rule, norms: [4, 0.5])
        #expect(abs(aggregate.meanDelta[0] - 0.75) < 1e-6)  // (1 + 0.5) / 2
        #expect(aggregate.unclippedFraction == 0.5)
    }

    @Test func noiseIsSplitAsTheoremOneSays() throws {
        let rule = try DPFedAvg(noiseMultiplier: 1, expectedUpdates: 100, seed: 1)
        #expect(rule.countNoise == 5)
        #expect(abs(rule.updateNoiseMultiplier - 1 / (1 - 1.0 / 100).squareRoot()) < 1e-12)
        #expect(throws: AggregationRuleError.self) { try DPFedAvg(noiseMultiplier: 1, expectedUpdates: 10, seed: 1) }
        #expect(throws: AggregationRuleError.self) { try DPFedAvg(noiseMultiplier: -1, expectedUpdates: 10, seed: 1) }
    }

    /// The noisy mean of four all-zero updates of 20,000 coordinates: pure noise of deviation z C / m.
    func pureNoise(_ rule: DPFedAvg) throws -> [Float] {
        let zeros = [Float](repeating: 0, count: 20000)
        var aggregator = try rule.makeAggregator(for: RoundContext(round: 1, globalParameters: zeros, instructions: instructions))
        for index in 0..<4 { try aggregator.fold(update(zeros, "s\(index)")) }
        return try aggregator.finish().meanDelta
    }

    func fixedClipRule(noise: NoiseSource = .secure) throws -> DPFedAvg {
        try DPFedAvg(noiseMultiplier: 2, initialClipNorm: 1, adaptive: false, expectedUpdates: 4, seed: 7, noise: noise)
    }

    @Test func noiseOnTheSumHasTheRightScaleAndIsSeeded() throws {
        var a = try fixedClipRule(noise: .seeded)
        var b = try fixedClipRule(noise: .seeded)
        let noisy = try pureNoise(a)
        let sd = (noisy.map { Double($0) * Double($0) }.reduce(0, +) / Double(noisy.count)).squareRoot()
        #expect(abs(sd - 0.5) < 0.02)  // z C / m = 2 / 4
        #expect(try pureNoise(b) == noisy)
        _ = try round(&a, norms: [1])
        _ = try round(&b, norms: [1])
    }

    @Test func secureNoiseOnTheSumHasTheRightScaleAndDiffersUnderOneSeed() throws {
        let a = try DPFedAvg(noiseMultiplier: 2, initialClipNorm: 1, adaptive: false, expectedUpdates: 4, seed: 7)
        #expect(a.noiseSource == .secure)
        let noisy = try pureNoise(a).map { Double($0) }
        let mean = noisy.reduce(0, +) / Double(noisy.count)
        let sd = (noisy.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(noisy.count)).squareRoot()
        // Six standard errors of a normal sample of 20,000: 0.5 / sqrt(20,000) for the mean,
        // 0.5 / sqrt(2 x 20,000) for the deviation.
        #expect(abs(mean) < 6 * 0.5 / 20000.0.squareRoot())
        #expect(abs(sd - 0.5) < 6 * 0.5 / 40000.0.squareRoot())
        let other = try pureNoise(fixedClipRule()).map { Double($0) }
        #expect(zip(noisy, other).filter { $0 == $1 }.count < 20, "the same seed must not give the same noise")
    }

    @Test func theClipCountsNoiseIsSecureUnlessSeeded() throws {
        let norms = [Float](repeating: 0.01, count: 100)
        func noisyFraction(_ noise: NoiseSource) throws -> Double? {
            var rule = try DPFedAvg(noiseMultiplier: 1, expectedUpdates: 100, seed: 7, noise: noise)
            return try round(&rule, norms: norms).unclippedFraction
        }
        // sigma_b = 5 on a count of 100.
        #expect(try noisyFraction(.seeded) == noisyFraction(.seeded))
        #expect(try noisyFraction(.secure) != noisyFraction(.secure))
    }
}
