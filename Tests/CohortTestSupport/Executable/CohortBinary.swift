import Foundation

/// Runs the built `cohort` executable to its end, as a user would, and captures what it prints.
///
/// ```swift
/// let result = try CohortBinary.run(["study", "check", "--config", path])
/// #expect(result.status == 0, "\(result.standardError)")
/// ```
public enum CohortBinary {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The executable, or nil when this build has none.
    public static var url: URL? { CohortExecutable.url }

    /// Runs in the test's working directory; a run past `timeout` seconds is stopped and fails.
    public static func run(_ arguments: [String], timeout: Double = 300) throws -> Output {
        let outputs = try TemporaryDirectory("run")
        let process = try CohortProcess(
            "cohort", arguments: arguments, in: outputs.url,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        defer { process.stop() }
        guard let status = process.waitBlocking(seconds: timeout) else {
            throw ProcessTimeout("cohort \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        return Output(status: status, standardOutput: process.output, standardError: process.errors)
    }

    /// A path under the system's temporary folder, unique to this test process.
    public static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cohort-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
    }
}
