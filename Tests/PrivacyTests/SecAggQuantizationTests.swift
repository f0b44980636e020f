import Federation
import Learning
import Testing

@testable import Privacy

/// The fixed-point encoding: bounds enforced, error within one level, rounding unbiased.
@Suite struct SecAggQuantizationTests {
    @Test func automaticLevelsAreTheFinestThatCannotOverflow() throws {
        let scheme = SecAggQuantization.automatic(clipRange: 1, participants: 100, weighting: .uniform)
        #expect(scheme.levels == Int(Int32.max) / 100)
        try scheme.checkBounds(participants: 100)
        var finer = scheme
        finer.levels += 1
        #expect(throws: SecAggError.self) { try finer.checkBounds(participants: 100) }
    }

    @Test func aRoundThatCouldOverflowIsRefusedByTheCoordinatorAndEveryClient() {
        var setup = SecAggFixture.setup(clients: 10, threshold: 6)
        setup.quantization.levels = Int(Int32.max) / 10 + 1
        #expect { try SecAggServer(setup: setup) } throws: { error in
            guard case .configuration(let reason) = error as? SecAggError else { return false }
            return reason.contains("wrap")
        }
        #expect(throws: SecAggError.self) { try SecAggClient(site: setup.participants[0], setup: setup, entropy: .seeded(1)) }
        setup.quantization = .automatic(clipRange: 1, participants: 10, weighting: .bySamples(cap: Int(UInt32.max) / 10 + 1))
        #expect { try SecAggServer(setup: setup) } throws: { error in
            (error as? SecAggError)?.description.contains("weight cap") == true
        }
    }

    @Test func extremeUpdatesAtTheBoundSumWithoutWrapping() throws {
        // Every client at +c (clipped from far beyond) with the largest weight: the sum reaches
        // exactly n L, the most the bound allows, and decodes without wrapping; likewise -c.
        let n = 6
        let setup = SecAggFixture.setup(clients: n, threshold: 4, parameters: 4, clipRange: 2, weighting: .bySamples(cap: 50))
        var inputs: [SiteID: SecAggInput] = [:]
        for site in setup.participants { inputs[site] = .init(update: [1e9, -1e9, 2, -2], sampleCount: 10_000) }
        let report = try SecAggFixture.run(setup, inputs: inputs)
        let bound = Int32(n * setup.quantization.levels)
        #expect(report.sum.signedSum(at: 0) == bound)
        #expect(report.sum.signedSum(at: 1) == -bound)
        #expect(report.sum.signedSum(at: 2) == bound)
        #expect(report.sum.totalWeight == UInt32(n * 50))
        #expect(report.sum.weightedMean() == [2, -2, 2, -2])
    }

    @Test func aClientRefusesAQuantizedUpdateOutsideTheLevels() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 5, threshold: 3, parameters: 3))
        let deliveries = try harness.share(try harness.advertise())
        let site = harness.sites[0]
        let levels = UInt32(harness.setup.quantization.levels)
        var client = harness.clients[site]!
        #expect { _ = try client.maskInput(deliveries[site]!, update: QuantizedUpdate(values: [levels + 1, 0, 0, 1])) } throws: { error in
            (error as? SecAggError)?.description.contains("overflow") == true
        }
        client = harness.clients[site]!
        #expect { _ = try client.maskInput(deliveries[site]!, update: QuantizedUpdate(values: [0, 0, 0, 501])) } throws: { error in
            (error as? SecAggError)?.description.contains("weight 501") == true
        }
        client = harness.clients[site]!
        _ = try client.maskInput(deliveries[site]!, update: QuantizedUpdate(values: [levels, UInt32(bitPattern: -Int32(levels)), 0, 500]))
    }

    @Test func nonFiniteUpdatesAndEmptyTrainingAreRefused() {
        let scheme = SecAggQuantization.automatic(clipRange: 1, participants: 4, weighting: .uniform)
        var generator = SeededGenerator(seed: 1)
        #expect(throws: SecAggError.self) { _ = try scheme.quantize([0, .nan], sampleCount: 3, using: &generator) }
        #expect(throws: SecAggError.self) { _ = try scheme.quantize([0, .infinity], sampleCount: 3, using: &generator) }
        #expect(throws: SecAggError.self) { _ = try scheme.quantize([0, 1], sampleCount: 0, using: &generator) }
    }

    @Test func eachCoordinateIsWithinOneLevelOfItsScaledValue() throws {
        let scheme = SecAggQuantization(clipRange: 1.5, levels: 1000, weighting: .bySamples(cap: 200))
        var generator = SeededGenerator(seed: 3)
        let update = (0..<5000).map { _ in generator.nextFloat(in: -2..<2) }
        let quantized = try scheme.quantize(update, sampleCount: 150, using: &generator)
        #expect(quantized.weight == 150)
        for (x, q) in zip(update, quantized.values) {
            let scaled = min(max(Double(x), -1.5), 1.5) * 0.75 * 1000 / 1.5
            let value = Double(Int32(bitPattern: q))
            #expect(value == scaled.rounded(.down) || value == scaled.rounded(.up))
            #expect(abs(value) <= 1000)
        }
    }

    @Test func stochasticRoundingIsUnbiased() throws {
        let scheme = SecAggQuantization(clipRange: 1, levels: 10, weighting: .uniform)
        var generator = SeededGenerator(seed: 4)
        let value: Float = 0.0137  // 0.137 levels
        let quantized = try scheme.quantize([Float](repeating: value, count: 200_000), sampleCount: 1, using: &generator)
        let mean = quantized.values.dropLast().reduce(0.0) { $0 + Double(Int32(bitPattern: $1)) } / 200_000
        // Bernoulli(0.137): standard error about 0.00077.
        #expect(abs(mean - 0.137) < 0.004)
    }

    @Test func uniformWeightingRecoversThePlainMean() throws {
        let setup = SecAggFixture.setup(clients: 5, threshold: 3, parameters: 50, weighting: .uniform)
        let inputs = SecAggFixture.inputs(for: setup)
        let report = try SecAggFixture.run(setup, inputs: inputs)
        #expect(report.sum.totalWeight == 5)
        let mean = report.sum.weightedMean()
        for j in 0..<50 {
            let exact = setup.participants.reduce(0.0) { $0 + min(max(Double(inputs[$1]!.update[j]), -1), 1) } / 5
            #expect(abs(Double(mean[j]) - exact) <= report.sum.meanErrorBound + 1e-7)
        }
    }
}
