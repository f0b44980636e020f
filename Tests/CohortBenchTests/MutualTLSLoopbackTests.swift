import CohortTestSupport
import Foundation
import Testing
import Transport

@testable import CohortBench

@Suite("Mutual-TLS loopback yardstick")
struct MutualTLSLoopbackTests {
    @Test("moves the bytes between two consortium certificates and reports a rate")
    func measures() async throws {
        let test = try TestConsortium(sites: ["alpha"])
        defer { test.remove() }
        let rate = try await MutualTLSLoopback.measure(
            server: test.coordinatorCredentials(), client: test.siteCredentials("alpha"),
            bytes: 8 << 20)
        #expect(rate > 1e6 && rate.isFinite)
    }

    @Test("a client from another consortium is refused, as by the coordinator")
    func refusesAForeignClient() async throws {
        let ours = try TestConsortium(sites: ["alpha"])
        let theirs = try TestConsortium(sites: ["mallory"])
        defer {
            ours.remove()
            theirs.remove()
        }
        await #expect(throws: (any Error).self) {
            try await MutualTLSLoopback.measure(
                server: ours.coordinatorCredentials(), client: theirs.siteCredentials("mallory"),
                bytes: 1 << 20)
        }
    }
}
