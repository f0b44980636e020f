import Foundation
import Testing

@testable import Learning

/// Secure DP randomness: the right distribution, never the same twice, and seeded samplers
/// that still read the state files earlier versions wrote.
@Suite struct SecureNoiseTests {
    /// Mean and (population) standard deviation of `values`.
    struct Moments {
        let mean: Double
        let deviation: Double

        init(_ values: [Double]) {
            let mean = values.reduce(0, +) / Double(values.count)
            self.mean = mean
            deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        }

        /// Six standard errors either side of a normal sample's moments, for `count` draws of
        /// deviation `expected`: a false alarm about once in 500 million runs.
        func matches(deviation expected: Double, count: Int) -> Bool {
            abs(mean) < 6 * expected / Double(count).squareRoot()
                && abs(deviation - expected) < 6 * expected / (2 * Double(count)).squareRoot()
        }
    }

    @Test func theSecureGaussianHasTheRequestedDeviationAndShape() {
        let sigma = 1.3, clip = 0.7, count = 200_000
        var noise = DPNoise(.secure, seed: 1)
        let draws = (0..<count).map { _ in noise.gaussian(deviation: sigma * clip) }
        let moments = Moments(draws)
        #expect(moments.matches(deviation: sigma * clip, count: count), "mean \(moments.mean), deviation \(moments.deviation)")
        // A variance-matched but non-normal sampler would miss this: 68.27% within one deviation.
        let within = Double(draws.filter { abs($0) < sigma * clip }.count) / Double(count)
        #expect(abs(within - 0.682_689) < 6 * (0.682_689 * 0.317_311 / Double(count)).squareRoot(), "\(within) within one deviation")
    }

    @Test func dpSGDGradientNoiseHasDeviationSigmaCOverTheExpectedBatch() throws {
        let model = try Model(spec: .mlp(hidden: [64]), inputShape: Shape(13), task: .binary, seed: 1)
        let set = Dataset(features: [Float](repeating: 0, count: 13), labels: [0], exampleShape: Shape(13), task: .binary)
        let dp = DPSGDParameters(clipNorm: 0.5, noiseMultiplier: 2, samplingRate: 0.1)
        var noise = DPNoise(.secure, seed: 9)
        var draws: [Double] = []
        while draws.count < 200_000 {
            // Empty batch: only noise, N(0, (sigma C / expected batch)^2) = N(0, 0.25^2).
            model.computePrivateGradient(on: set, rows: [], parameters: dp, expectedBatchSize: 4, noise: &noise)
            draws += model.network.gradients.array.map { Double($0) }
        }
        let moments = Moments(draws)
        #expect(moments.matches(deviation: 0.25, count: draws.count), "mean \(moments.mean), deviation \(moments.deviation)")
    }

    @Test func secureNoiseWithTheSameSeedDrawsDifferentValues() {
        var a = DPNoise(.secure, seed: 4, stream: 7), b = DPNoise(.secure, seed: 4, stream: 7)
        #expect(a.source == .secure)
        let first = (0..<16).map { _ in a.gaussian(deviation: 1) }
        let second = (0..<16).map { _ in b.gaussian(deviation: 1) }
        #expect(zip(first, second).allSatisfy { $0 != $1 })
    }

    @Test func aCopiedSecureGeneratorNeverRepeatsItsOriginal() {
        var original = SecureRandomGenerator()
        _ = original.next()  // the buffer is filled and shared by the copy below
        var copy = original
        // More than one 4 KiB buffer each, so refills are covered too.
        let fromOriginal = (0..<1_200).map { _ in original.next() }
        let fromCopy = (0..<1_200).map { _ in copy.next() }
        #expect(Set(fromOriginal).isDisjoint(with: fromCopy))
        #expect(Set(fromOriginal).count == 1_200)
    }

    @Test func securePoissonBatchesDifferAndHaveTheRightRate() {
        var a = PoissonSampler(rowCount: 1000, rate: 0.05, seed: 3), b = PoissonSampler(rowCount: 1000, rate: 0.05, seed: 3)
        #expect(a.source == .secure)
        #expect((0..<5).map { _ in a.nextBatch() } != (0..<5).map { _ in b.nextBatch() })
        let batches = 2_000
        let mean = Double((0..<batches).map { _ in a.nextBatch().count }.reduce(0, +)) / Double(batches)
        // Each size is Binomial(1000, 0.05): variance 47.5.
        #expect(abs(mean - 50) < 6 * (47.5 / Double(batches)).squareRoot(), "mean batch \(mean)")
    }

    /// The synthesized Codable format of the sampler before noise sources existed.
    struct EarlierPoissonSampler: Codable {
        let rowCount: Int
        let rate: Double
        let generator: SeededGenerator
    }

    @Test func aSeededSamplerReadsEarlierStateFilesAndResumesItsStream() throws {
        var reference = PoissonSampler(rowCount: 100, rate: 0.1, seed: 8, source: .seeded)
        _ = reference.nextBatch()
        let earlier = EarlierPoissonSampler(rowCount: 100, rate: 0.1, generator: SeededGenerator(seed: 8, stream: 0x9015))
        var restored = try JSONDecoder().decode(PoissonSampler.self, from: JSONEncoder().encode(earlier))
        #expect(restored.source == .seeded)
        _ = restored.nextBatch()
        var again = try JSONDecoder().decode(PoissonSampler.self, from: JSONEncoder().encode(reference))
        let expected = (0..<5).map { _ in reference.nextBatch() }
        #expect((0..<5).map { _ in restored.nextBatch() } == expected)
        #expect((0..<5).map { _ in again.nextBatch() } == expected)
    }

    @Test func aSecureSamplerPersistsNoRandomnessAndDrawsFreshAfterRestoring() throws {
        var sampler = PoissonSampler(rowCount: 1000, rate: 0.05, seed: 3)
        let encoded = try JSONEncoder().encode(sampler)
        let fields = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(fields["generator"] is NSNull)
        var restored = try JSONDecoder().decode(PoissonSampler.self, from: encoded)
        #expect(restored.source == .secure && restored.rowCount == 1000 && restored.rate == 0.05)
        #expect((0..<5).map { _ in restored.nextBatch() } != (0..<5).map { _ in sampler.nextBatch() })
    }
}
