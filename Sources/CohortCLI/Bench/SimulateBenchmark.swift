import Foundation

/// Times the default `cohort simulate` as a user sees it: a fresh process each run
/// (start-up, loading the bundled data, 15 rounds, evaluation, the final table).
struct SimulateBenchmark {
    var runs: Int

    struct Result: Codable {
        var runs: Int
        var medianSeconds: Double
        var minSeconds: Double
        var secondsPerRun: [Double]
    }

    func run() throws -> Result {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<runs {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["simulate", "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            let start = clock.now
            try process.run()
            process.waitUntilExit()
            times.append((clock.now - start).inSeconds)
            guard process.terminationStatus == 0 else {
                throw CohortError("`cohort simulate` exited with status \(process.terminationStatus)")
            }
        }
        let sorted = times.sorted()
        return Result(runs: runs, medianSeconds: sorted[sorted.count / 2], minSeconds: sorted[0], secondsPerRun: times)
    }
}
