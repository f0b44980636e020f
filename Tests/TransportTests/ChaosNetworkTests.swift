import CohortTestSupport
import Foundation
import Testing

/// The coordinator and four site agents in separate network namespaces, on impaired links and
/// through a partition that heals (`scripts/chaos-network.sh`). Runs where the machine lets a
/// test make network namespaces (root with CAP_NET_ADMIN); elsewhere run the script by hand.
@Suite("Chaos on a real network", .serialized)
struct ChaosNetworkTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/chaos-network.sh").standardized

    /// True when this process may create (and remove) a network namespace.
    static var namespacesAvailable: Bool {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip") else {
            return false
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/sh")
        probe.arguments = ["-c", "ip netns add cohort-probe-$$ && ip netns del cohort-probe-$$"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    @Test(
        "impaired links: the model equals the undisturbed one; a partition that heals: k of n rounds, the site rejoins",
        .enabled(if: namespacesAvailable, "needs network namespaces (root with CAP_NET_ADMIN)"), .timeLimit(.minutes(10)))
    func studySurvivesTheNetwork() async throws {
        let directory = try TemporaryDirectory("chaos")
        defer { directory.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path, directory.path("out").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["COHORT": try CohortExecutable.required().path]) { $1 }
        let log = directory.path("chaos.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        let deadline = Date().addingTimeInterval(500)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(output.suffix(3000))")
        #expect(output.contains("deployed model") && output.contains("every round accepted"), "\(output.suffix(2000))")
    }
}
