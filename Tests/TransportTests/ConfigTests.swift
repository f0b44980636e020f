import CohortTestSupport
import Foundation
import Studies
import Testing

@testable import Transport

@Suite("Configs")
struct ConfigTests {
    static func write(_ text: String) throws -> (URL, TemporaryDirectory) {
        let directory = try TemporaryDirectory("config")
        let url = directory.path("config.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url, directory)
    }

    @Test("an unknown key is an error naming the file, the line and the key")
    func unknownKey() throws {
        let (url, directory) = try Self.write("coordinator: 127.0.0.1:7443\ncertificate: a\nkey: b\nca: c\nreconect:\n  initial_seconds: 1\n")
        defer { directory.remove() }
        let error = #expect(throws: ConfigError.self) { try SiteConfig.load(url) }
        #expect(
            error?.description
                == "\(url.path):5: unknown key 'reconect'; known keys here: coordinator, certificate, key, ca, state, data, reconnect, privacy, audit, policy")
    }

    @Test("nested unknown keys, bad values, missing keys and bad addresses name where")
    func problems() throws {
        let cases: [(String, String)] = [
            ("coordinator: h:1\ncertificate: a\nkey: b\nca: c\nreconnect:\n  initial: 1\n", ":6: unknown key 'reconnect.initial'"),
            ("coordinator: h:1\ncertificate: a\nkey: b\nca: c\nreconnect:\n  initial_seconds: soon\n", ":6: 'reconnect.initial_seconds' must be a number"),
            ("certificate: a\nkey: b\nca: c\n", ": missing 'coordinator'"),
            ("coordinator: nohost\ncertificate: a\nkey: b\nca: c\n", ":1: 'coordinator': address 'nohost' must be host:port"),
            ("coordinator: h:99999\ncertificate: a\nkey: b\nca: c\n", "no valid port"),
            ("- a\n- b\n", "expected a mapping"),
            ("coordinator: [unclosed\n", "not valid YAML")
        ]
        for (text, expected) in cases {
            let (url, directory) = try Self.write(text)
            defer { directory.remove() }
            let error = #expect(throws: ConfigError.self) { try SiteConfig.load(url) }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error") should contain \(expected)")
        }
    }

    @Test("relative paths are resolved against the config's folder")
    func relativePaths() throws {
        let (url, directory) = try Self.write("coordinator: '[::1]:7443'\ncertificate: kit/site.crt\nkey: /abs/site.key\nca: ca.crt\n")
        defer { directory.remove() }
        let config = try SiteConfig.load(url)
        #expect(config.coordinator == NetworkAddress(host: "::1", port: 7443))
        #expect(config.certificate.path == directory.path("kit/site.crt").standardizedFileURL.path)
        #expect(config.key.path == "/abs/site.key")
        #expect(config.stateDirectory.path == directory.path("state").standardizedFileURL.path)
    }

    @Test("the coordinator's limits are read and checked")
    func coordinatorLimits() throws {
        let (url, directory) = try Self.write(
            """
            listen: 0.0.0.0:7443
            certificate: c.crt
            key: c.key
            ca: ca.crt
            heartbeat_seconds: 0.5
            missed_heartbeats: 3
            chunk_bytes: 65536
            keep_checkpoints: 2
            vector_lane: 0.0.0.0:7444
            study:
              rounds: 3
            """)
        defer { directory.remove() }
        let config = try CoordinatorConfig.load(url)
        #expect(config.keepCheckpoints == 2)
        #expect(config.vectorLane == NetworkAddress(host: "0.0.0.0", port: 7444))
        #expect(config.limits.heartbeatInterval == 0.5)
        #expect(config.limits.missedHeartbeats == 3)
        #expect(config.limits.chunkBytes == 65_536)
        #expect(config.revocations == nil)
        #expect(config.database.lastPathComponent == "coordinator.sqlite")
        let (bad, badDirectory) = try Self.write("listen: 0.0.0.0:7443\ncertificate: c\nkey: k\nca: a\nchunk_bytes: 99999999\nstudy: {}\n")
        defer { badDirectory.remove() }
        let error = #expect(throws: ConfigError.self) { try CoordinatorConfig.load(bad) }
        #expect(error?.description.contains(":5: 'chunk_bytes' must be between") == true)
        let (none, noneDirectory) = try Self.write("listen: 0.0.0.0:7443\ncertificate: c\nkey: k\nca: a\nkeep_checkpoints: 0\nstudy: {}\n")
        defer { noneDirectory.remove() }
        let zero = #expect(throws: ConfigError.self) { try CoordinatorConfig.load(none) }
        #expect(zero?.description.contains(":5: 'keep_checkpoints' must be between 1") == true)
        let (lane, laneDirectory) = try Self.write("listen: 0.0.0.0:7443\ncertificate: c\nkey: k\nca: a\nvector_lane: 7444\nstudy: {}\n")
        defer { laneDirectory.remove() }
        let noHost = #expect(throws: ConfigError.self) { try CoordinatorConfig.load(lane) }
        #expect(noHost?.description.contains(":5: 'vector_lane': address '7444' must be host:port") == true)
        // Without the key, no lane: vectors go over gRPC.
        let (plain, plainDirectory) = try Self.write("listen: 0.0.0.0:7443\ncertificate: c\nkey: k\nca: a\nstudy: {}\n")
        defer { plainDirectory.remove() }
        #expect(try CoordinatorConfig.load(plain).vectorLane == nil)
    }
}
