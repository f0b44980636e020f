import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `cohort` process started by a test: its output goes to files in the test's directory
/// (read at any time), and `stop()`/`kill()` end it. Every test ends every process it starts,
/// also when it fails (`defer`).
public final class CohortProcess: @unchecked Sendable {
    public let name: String
    public let process = Process()
    public let standardOutput: URL
    public let standardError: URL

    /// Starts `cohort arguments` with its output in `directory` (also its working directory
    /// unless `workingDirectory` is given).
    public init(
        _ name: String, arguments: [String], in directory: URL, workingDirectory: URL? = nil,
        environment: [String: String] = [:]
    ) throws {
        self.name = name
        standardOutput = directory.appendingPathComponent("\(name).out")
        standardError = directory.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: standardOutput.path, contents: nil)
        _ = FileManager.default.createFile(atPath: standardError.path, contents: nil)
        process.executableURL = try CohortExecutable.required()
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory ?? directory
        var variables = ProcessInfo.processInfo.environment
        variables["OPENBLAS_NUM_THREADS"] = "1"
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        process.standardOutput = try FileHandle(forWritingTo: standardOutput)
        process.standardError = try FileHandle(forWritingTo: standardError)
        try process.run()
    }

    public var output: String { (try? String(contentsOf: standardOutput, encoding: .utf8)) ?? "" }
    public var errors: String { (try? String(contentsOf: standardError, encoding: .utf8)) ?? "" }
    public var isRunning: Bool { process.isRunning }

    private func sendSignal(_ signal: Int32) {
        #if canImport(Glibc)
            _ = Glibc.kill(process.processIdentifier, signal)
        #else
            _ = Darwin.kill(process.processIdentifier, signal)
        #endif
    }

    /// SIGKILL: no chance to clean up, as in a crash.
    public func kill() {
        guard process.isRunning else { return }
        sendSignal(SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if it does not go.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        kill()
    }

    /// Blocks until the process exits (bounded), for synchronous tests; returns its status, or
    /// nil if it still runs.
    public func waitBlocking(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits for the process to exit (bounded); returns its status, or nil if it still runs.
    public func wait(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits until standard error (or output) contains `text` (bounded).
    public func waitFor(_ text: String, seconds: Double = 60, inOutput: Bool = false) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (inOutput ? output : errors).contains(text) { return true }
            if !process.isRunning { return (inOutput ? output : errors).contains(text) }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    /// Runs a command to its end (bounded) and returns status and both outputs.
    public static func run(_ arguments: [String], in directory: URL, seconds: Double = 120) async throws -> (status: Int32, output: String, errors: String) {
        let process = try CohortProcess("run-\(UInt32.random(in: .min ... .max))", arguments: arguments, in: directory)
        defer { process.stop() }
        guard let status = await process.wait(seconds: seconds) else {
            throw ProcessTimeout("cohort \(arguments.joined(separator: " ")) did not finish within \(seconds) s")
        }
        return (status, process.output, process.errors)
    }
}

public struct ProcessTimeout: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
