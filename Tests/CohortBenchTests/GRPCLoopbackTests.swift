import CohortTestSupport
import Foundation
import GRPCCore
import Testing
import Transport

@testable import CohortBench

@Suite("gRPC loopback yardstick")
struct GRPCLoopbackTests {
    @Test("every site downloads and uploads its bytes each round, odd last chunk included, over the coordinator's transports")
    func measuresRounds() async throws {
        let test = try TestConsortium(sites: ["alpha", "beta", "gamma"])
        defer { test.remove() }
        let sites = try ["alpha", "beta", "gamma"].map { try test.siteCredentials($0) }
        // 100 000 bytes in 16 KiB chunks: six whole chunks and a short one, each way.
        let seconds = try await GRPCLoopback.secondsPerRound(
            server: test.coordinatorCredentials(), sites: sites, bytesPerSite: 100_000,
            chunkBytes: 16 << 10, rounds: 4)
        #expect(seconds > 0 && seconds < 10)
    }

    @Test("the chunks of a transfer cover its bytes exactly")
    func chunkSizes() {
        let chunk = RawMessage(bytes: [UInt8](repeating: 7, count: 16_384))
        func sizes(_ bytes: Int) -> [Int] { FloorService.messages(bytes: bytes, chunk: chunk).map(\.bytes.count) }
        #expect(sizes(100_000) == [16_384, 16_384, 16_384, 16_384, 16_384, 16_384, 1_696])
        #expect(sizes(32_768) == [16_384, 16_384])
        #expect(sizes(0).isEmpty)
    }

    @Test("a site from another consortium is refused: the yardstick fails instead of hanging")
    func refusesAForeignSite() async throws {
        let ours = try TestConsortium(sites: ["alpha"])
        let theirs = try TestConsortium(sites: ["mallory"])
        defer {
            ours.remove()
            theirs.remove()
        }
        await #expect(throws: (any Error).self) {
            try await GRPCLoopback.secondsPerRound(
                server: ours.coordinatorCredentials(),
                sites: [ours.siteCredentials("alpha"), theirs.siteCredentials("mallory")],
                bytesPerSite: 10_000, chunkBytes: 4_096, rounds: 3)
        }
    }
}
