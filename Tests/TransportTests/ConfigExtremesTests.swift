import CohortTestSupport
import Federation
import Foundation
import Learning
import Studies
import Testing

@testable import Transport

/// Absurd values in a config (5e6 s of heartbeat is 5e9 ms, past the wire's 32 bits; 1e300 s
/// past any `Duration`) are refused at start with the key named, never converted with a trap.
@Suite("Config extremes", .serialized)
struct ConfigExtremesTests {
    static let absurd = ["5e6", "1e300", "-1"]

    @Test("coordinator.yaml: absurd durations are refused with the key; the longest allowed loads")
    func coordinatorDurations() throws {
        for key in ["heartbeat_seconds", "site_wait_seconds", "rejoin_grace_seconds", "handshake_timeout_seconds"] {
            for value in Self.absurd {
                let (url, directory) = try ConfigTests.write("listen: 127.0.0.1:0\ncertificate: c\nkey: k\nca: a\n\(key): \(value)\nstudy: {}\n")
                defer { directory.remove() }
                let error = #expect(throws: ConfigError.self, "\(key): \(value)") { try CoordinatorConfig.load(url) }
                #expect(error?.description.contains(":5: '\(key)' must be at") == true, "\(error?.description ?? "accepted")")
            }
            let (url, directory) = try ConfigTests.write("listen: 127.0.0.1:0\ncertificate: c\nkey: k\nca: a\n\(key): 2592000\nstudy: {}\n")
            defer { directory.remove() }
            #expect(throws: Never.self) { try CoordinatorConfig.load(url) }
        }
        for (key, value) in [("max_unauthenticated_connections", "0"), ("max_unauthenticated_per_address", "9223372036854775808")] {
            let (url, directory) = try ConfigTests.write("listen: 127.0.0.1:0\ncertificate: c\nkey: k\nca: a\n\(key): \(value)\nstudy: {}\n")
            defer { directory.remove() }
            let error = #expect(throws: ConfigError.self) { try CoordinatorConfig.load(url) }
            #expect(error?.description.contains("'\(key)'") == true, "\(error?.description ?? "accepted")")
        }
    }

    @Test("site.yaml: absurd reconnect delays are refused with the key")
    func siteReconnect() throws {
        for key in ["initial_seconds", "max_seconds"] {
            for value in Self.absurd {
                let (url, directory) = try ConfigTests.write("coordinator: h:1\ncertificate: a\nkey: b\nca: c\nreconnect:\n  \(key): \(value)\n")
                defer { directory.remove() }
                let error = #expect(throws: ConfigError.self, "\(key): \(value)") { try SiteConfig.load(url) }
                #expect(error?.description.contains(":6: 'reconnect.\(key)' must be at") == true, "\(error?.description ?? "accepted")")
            }
        }
    }

    @Test("a study's round_deadline_seconds of 1e300 is refused with its key (the study definition's bound)")
    func roundDeadline() throws {
        for value in ["1e300", "5e7"] {
            let specification = try StudySpecification(yaml: "dataset: heart-disease\nround_deadline_seconds: \(value)\n", file: "study.yaml")
            let error = #expect(throws: StudyError.self) { _ = try specification.resolved() }
            #expect(error?.key == "round_deadline_seconds", "\(error?.description ?? "accepted")")
        }
        let fine = try StudySpecification(yaml: "dataset: heart-disease\nround_deadline_seconds: 5e6\n", file: "study.yaml")
        #expect(try fine.resolved().configuration.roundDeadlineSeconds == 5e6)
    }

    @Test("limits made in code are checked too: the coordinator refuses to start, naming the key")
    func limitsInCode() throws {
        let consortium = try TestConsortium(sites: ["north"])
        defer { consortium.remove() }
        let study = StudyDescription(
            studyID: "s", model: .logisticRegression, seed: 1, exampleShape: Shape([3]), task: .binary,
            parameterCount: 4, schemaSHA256: nil, rounds: 1)
        let cases: [(String, (inout ProtocolLimits) -> Void, Double)] = [
            ("heartbeat_seconds", { $0.heartbeatInterval = 5e6 }, 60),
            ("heartbeat_seconds", { $0.heartbeatInterval = .nan }, 60),
            ("site_wait_seconds", { $0.siteWaitSeconds = 1e300 }, 60),
            ("rejoin_grace_seconds", { $0.rejoinGraceSeconds = .infinity }, 60),
            ("handshake_timeout_seconds", { $0.handshakeTimeoutSeconds = 1e300 }, 60),
            ("round_deadline_seconds", { _ in }, 1e300)
        ]
        for (key, change, deadline) in cases {
            var limits = ProtocolLimits()
            change(&limits)
            let error = #expect(throws: ProvisioningError.self, "\(key)") {
                _ = try CoordinatorServer(
                    options: .init(
                        listen: NetworkAddress(host: "127.0.0.1", port: 0),
                        credentials: consortium.coordinatorCredentials(), revocations: nil, limits: limits,
                        study: study, minimumSites: 1, roundDeadlineSeconds: deadline),
                    log: .silent)
            }
            #expect(error?.description.hasPrefix(key) == true, "\(error?.description ?? "accepted")")
        }
    }

    @Test("a backoff built from absurd delays stays within 30 days, and its delay converts to milliseconds")
    func backoffBounded() {
        for (initial, maximum) in [(1e300, 1e300), (.infinity, .infinity), (.nan, .nan), (-5, 1e300), (0.2, 1e300)] {
            var backoff = Backoff(initial: initial, maximum: maximum)
            for _ in 0..<70 {
                let delay = backoff.next()
                #expect(delay.isFinite && delay >= 0 && delay <= ConfigNode.longestSeconds, "\(initial), \(maximum): \(delay)")
                _ = Int64(delay * 1000)
            }
        }
    }

    @Test("provision --days 9223372036854775807 (and 0, and 3651) is refused naming --days; 3650 is the longest")
    func provisionDays() throws {
        for days in [Int.max, 0, -1, 3651] {
            let directory = try TemporaryDirectory("days")
            defer { directory.remove() }
            let error = #expect(throws: ProvisioningError.self, "\(days)") {
                _ = try Provisioner(days: days).initialize(
                    consortium: "c", at: directory.path("kits"), coordinatorHost: "127.0.0.1",
                    coordinatorPort: 7443, sites: ["a"])
            }
            #expect(error?.description.contains("--days must be between 1 and 3650") == true, "\(error?.description ?? "accepted")")
            #expect(!FileManager.default.fileExists(atPath: directory.path("kits").path), "nothing is left half-made")
        }
        let consortium = try TestConsortium(sites: ["a"], provisioner: Provisioner(days: 3650))
        defer { consortium.remove() }
        let error = #expect(throws: ProvisioningError.self) { _ = try Provisioner(days: Int.max).addSite("b", to: consortium.root) }
        #expect(error?.description.contains("--days") == true)
    }

    @Test("cohort provision init --days 9223372036854775807 exits with one line naming --days")
    func provisionDaysCommand() async throws {
        let directory = try TemporaryDirectory("days-cli")
        defer { directory.remove() }
        let result = try await CohortProcess.run(
            [
                "provision", "init", "--consortium", "c", "--out", directory.path("kits").path,
                "--coordinator-host", "127.0.0.1", "--sites", "a,b", "--days", "9223372036854775807"
            ],
            in: directory.url)
        #expect(result.status != 0)
        #expect(DeploymentBadInputTests.errorLine(result.errors).contains("--days must be between 1 and 3650"), "\(result.errors)")
    }
}
