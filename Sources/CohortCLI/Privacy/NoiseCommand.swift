import ArgumentParser
import Privacy

extension PrivacyCommand {
    /// `cohort privacy noise`: the noise a DP training run needs to stay within a target epsilon.
    struct NoiseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "noise",
            abstract: "Smallest noise multiplier that keeps T steps of the sampled Gaussian mechanism within epsilon.",
            discussion: """
                Bisection on the noise multiplier, which epsilon decreases with; the answer is on the safe \
                side (its epsilon is at most the target) and within 1e-6 (relative) of the exact threshold. \
                Searched between 0.001 and 16384.
                """)

        @Option(parsing: .unconditional, help: "Target epsilon (> 0).")
        var epsilon: Double

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
            let calibration: NoiseCalibration
            do {
                calibration = try NoiseCalibration(epsilon: epsilon, delta: delta, sampleRate: sampleRate, steps: steps)
            } catch {
                throw PrivacyFlags.error(for: error)
            }
            let spent = calibration.spent
            let result = NoiseResult(
                noiseMultiplier: calibration.noiseMultiplier, epsilon: spent.epsilon, targetEpsilon: epsilon,
                delta: spent.delta, order: spent.order, sampleRate: sampleRate, steps: steps)
            if json {
                print(try JSONOutput.string(result))
            } else {
                print(
                    "noise multiplier \(PrivacyFlags.format(calibration.noiseMultiplier)) gives epsilon \(PrivacyFlags.format(spent.epsilon)) "
                        + "(target \(PrivacyFlags.format(epsilon))) at delta \(PrivacyFlags.format(delta)) (RDP order \(PrivacyFlags.format(spent.order))): "
                        + "\(steps) steps, sample rate \(PrivacyFlags.format(sampleRate))")
            }
        }
    }

    struct NoiseResult: Encodable {
        var noiseMultiplier: Double
        /// Epsilon actually spent at `noiseMultiplier` (at most `targetEpsilon`).
        var epsilon: Double
        var targetEpsilon: Double
        var delta: Double
        var order: Double
        var sampleRate: Double
        var steps: Int
    }
}
