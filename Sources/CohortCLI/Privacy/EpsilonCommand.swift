import ArgumentParser
import Privacy

extension PrivacyCommand {
    /// `cohort privacy epsilon`: what a DP training run costs.
    struct EpsilonCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "epsilon",
            abstract: "Epsilon spent by T steps of the sampled Gaussian mechanism (DP-SGD) at a given delta.")

        @Option(
            name: .customLong("noise-multiplier"), parsing: .unconditional,
            help: "Noise standard deviation divided by the clipping norm (sigma > 0).")
        var noiseMultiplier: Double

        @Option(
            name: .customLong("sample-rate"), parsing: .unconditional,
            help: "Probability that a record joins a step, in (0, 1]: batch size / records.")
        var sampleRate: Double

        @Option(parsing: .unconditional, help: "Number of noisy steps; accepts 1e4 notation.")
        var steps: String

        @Option(parsing: .unconditional, help: "Delta, in (0, 1); usually below 1 / records.")
        var delta: Double

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            let steps = try parseCount(steps, flag: "--steps")
            let spent: PrivacySpent
            do {
                let mechanism = try SampledGaussianMechanism(sampleRate: sampleRate, noiseMultiplier: noiseMultiplier, steps: steps)
                spent = try RDPAccountant.epsilon(of: mechanism, delta: delta)
            } catch {
                throw PrivacyFlags.error(for: error)
            }
            let result = EpsilonResult(
                epsilon: spent.epsilon, delta: spent.delta, order: spent.order,
                noiseMultiplier: noiseMultiplier, sampleRate: sampleRate, steps: steps)
            if json {
                print(try JSONOutput.string(result))
            } else {
                print(
                    "epsilon \(PrivacyFlags.format(spent.epsilon)) at delta \(PrivacyFlags.format(delta)) "
                        + "(RDP order \(PrivacyFlags.format(spent.order))): \(steps) steps, sample rate \(PrivacyFlags.format(sampleRate)), "
                        + "noise multiplier \(PrivacyFlags.format(noiseMultiplier))")
            }
        }
    }

    struct EpsilonResult: Encodable {
        var epsilon: Double
        var delta: Double
        /// The Renyi order at which the conversion to (epsilon, delta) was tightest.
        var order: Double
        var noiseMultiplier: Double
        var sampleRate: Double
        var steps: Int
    }
}
