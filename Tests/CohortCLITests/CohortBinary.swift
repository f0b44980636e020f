import Foundation

/// Runs the built `cohort` executable, as a user would, and captures what it prints.
struct CohortBinary {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// `cohort` sits next to the test bundle in the build directory.
    static var url: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cohort")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("cohort")
    }

    static func run(_ arguments: [String], timeout: Double = 300) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs so a full pipe cannot block it.
        let collector = PipeCollector(out: out, err: err)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let (stdout, stderr) = collector.finish()
        return Output(status: process.terminationStatus, standardOutput: stdout, standardError: stderr)
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cohort-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
    }
}

/// Drains two pipes on background threads.
final class PipeCollector: @unchecked Sendable {
    private var outData = Data()
    private var errData = Data()
    private let group = DispatchGroup()

    init(out: Pipe, err: Pipe) {
        group.enter()
        DispatchQueue.global().async { self.outData = out.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
        group.enter()
        DispatchQueue.global().async { self.errData = err.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
    }

    func finish() -> (String, String) {
        group.wait()
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
