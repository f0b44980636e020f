import ArgumentParser
import CohortBench
import Federation
import Foundation
import Learning

/// `cohort bench ...`: the figures behind the README's performance claims. Benchmarks print
/// what they measured; nothing here is asserted by the test suite.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure aggregation, training and simulation speed on this machine.",
        subcommands: [
            AggregateCommand.self, TrainCommand.self, SimulateBenchCommand.self, DefenseMatrixCommand.self, PrivacyUtilityCommand.self, SecAggBenchCommand.self,
            DeployBenchmarkCommand.self, AllCommand.self
        ]
    )
}

extension BenchCommand {
    struct AggregateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aggregate",
            abstract: "FedAvg aggregation throughput: K updates of P float32 folded into a running weighted sum.")

        @Option(name: .long, help: "Number of client updates (K).")
        var clients: Int = 100

        @Option(name: .long, help: "Parameters per update (P); accepts 1e6 notation.")
        var params: String = "1e6"

        @Option(name: .long, help: "Timed repetitions (the median is reported).")
        var repetitions: Int = 3

        @Option(name: .long, help: "Aggregation rule: mean, median, trimmed-mean, krum.")
        var rule: String = "mean"

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            let parameters = try parseCount(params, flag: "--params")
            guard clients > 0 else { throw CohortError("--clients must be at least 1") }
            guard repetitions > 0 else { throw CohortError("--repetitions must be at least 1") }
            let spec: AggregationRuleSpec
            switch rule {
            case "mean": spec = AggregationRuleSpec()
            case "median": spec = AggregationRuleSpec(.median)
            case "trimmed-mean": spec = AggregationRuleSpec(.trimmedMean(beta: 0.2))
            case "krum": spec = AggregationRuleSpec(.krum(f: max(0, (clients - 3) / 2)))
            default: throw CohortError("unknown --rule '\(rule)': use mean, median, trimmed-mean or krum")
            }
            let result = AggregateBenchmark(clients: clients, parameters: parameters, rule: spec, repetitions: repetitions).run()
            if json {
                print(try JSONOutput.string(result))
            } else {
                print(
                    "aggregate \(result.rule) "
                        + String(
                            format:
                                "K=%d P=%d: %.2f GB/s (%.1f ms for %.0f MB), memory read %.2f GB/s (%.0f%%), peak RSS %.0f MB (pool %.0f MB, %d updates), %d threads",
                            result.clients, result.parameters, result.gigabytesPerSecond, result.seconds * 1000,
                            Double(result.bytesFolded) / 1e6, result.memoryReadGigabytesPerSecond,
                            result.fractionOfMemoryBandwidth * 100, Double(result.peakRssBytes) / 1e6,
                            Double(result.poolBytes) / 1e6, result.poolUpdates, result.threads))
            }
        }
    }

    struct TrainCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Local training throughput (one thread) of the models PyTorch's peer benchmark trains.")

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            BLAS.setThreadCount(1)
            let results = try TrainingBenchmark.runAll()
            if json {
                print(try JSONOutput.string(results))
            } else {
                for (name, result) in results.sorted(by: { $0.key < $1.key }) { print("train \(name): \(result)") }
            }
        }
    }

    struct SimulateBenchCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "Wall time of the whole default `cohort simulate` run, as separate processes.")

        @Option(name: .long, help: "Number of runs (the median is reported).")
        var runs: Int = 10

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            guard runs > 0 else { throw CohortError("--runs must be at least 1") }
            let result = try SimulateBenchmark(runs: runs).run()
            if json {
                print(try JSONOutput.string(result))
            } else {
                print(
                    String(
                        format: "simulate (default study, whole process): median %.3f s, min %.3f s over %d runs",
                        result.medianSeconds, result.minSeconds, result.runs))
            }
        }
    }

    struct AllCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "all", abstract: "Every benchmark with its default sizes.")

        func run() throws {
            try SimulateBenchCommand.parse([]).run()
            for (clients, params) in [(100, "1e6"), (10, "1e7"), (1000, "1e5")] {
                try AggregateCommand.parse(["--clients", "\(clients)", "--params", params]).run()
            }
            try TrainCommand.parse([]).run()
        }
    }
}

/// Parses counts like `1000000`, `1e6` or `2.5e5`.
func parseCount(_ text: String, flag: String) throws -> Int {
    guard let value = Double(text), value >= 1, value <= 1e10, value == value.rounded() else {
        throw CohortError("\(flag) must be a positive whole number such as 1000000 or 1e6, got '\(text)'")
    }
    return Int(value)
}
