import CohortTestSupport
import Federation
import Foundation
import GRPCCore
import Learning

@testable import Transport

/// A hand-driven site for tests: it speaks the wire protocol directly (Hello, heartbeats),
/// hands the test each task offer, and sends whatever answer the test builds, including
/// ones an honest site never would (replays, wrong shapes, NaN).
enum RawSite {
    typealias Offer = Cohort_Deployment_V1_TaskOffer

    /// Connects as the certificate's site and runs `body` with each offer of `kinds` (training
    /// offers by default) until it returns a value. Heartbeats count 1, 2, 3...; given
    /// `sequences`, they carry those values in turn instead.
    static func session<Result: Sendable>(
        _ address: NetworkAddress, credentials: Credentials?, data: DataSummary,
        kinds: Set<Cohort_Deployment_V1_TaskKind> = [.train], sequences: [UInt64] = [],
        _ body: @escaping @Sendable (CoordinatorLink, Offer) async throws -> Result?
    ) async throws -> Result {
        try await CoordinatorLink.with(address, credentials: credentials) { link in
            let (beats, beat) = AsyncStream.makeStream(of: Cohort_Deployment_V1_SiteMessage.self)
            let ticker = Task {
                var sequence: UInt64 = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    sequence += 1
                    var heartbeat = Cohort_Deployment_V1_Heartbeat()
                    heartbeat.sequence = sequences.isEmpty ? sequence : sequences[Int(sequence) % sequences.count]
                    var message = Cohort_Deployment_V1_SiteMessage()
                    message.body = .heartbeat(heartbeat)
                    beat.yield(message)
                }
            }
            defer {
                ticker.cancel()
                beat.finish()
            }
            return try await link.client.attend(options: CoordinatorLink.options(timeout: 300)) { writer in
                var hello = Cohort_Deployment_V1_Hello()
                hello.protocolVersion = 1
                hello.agentVersion = "raw test site"
                hello.data = Cohort_Deployment_V1_DataDescription(data)
                var first = Cohort_Deployment_V1_SiteMessage()
                first.body = .hello(hello)
                try await writer.write(first)
                for await message in beats { try await writer.write(message) }
            } onResponse: { response in
                for try await message in response.messages {
                    guard case .task(let offer) = message.body, kinds.contains(offer.kind) else { continue }
                    if let result = try await body(link, offer) { return result }
                }
                throw ProcessTimeout("the coordinator closed the control channel before the test was done")
            }
        }
    }

    /// A plausible update for `offer` (all zeros but valid).
    static func update(for offer: Offer, site: String, delta: [Float]? = nil) -> SiteUpdate {
        SiteUpdate(
            study: offer.study, site: SiteID(site), round: Int(offer.round),
            delta: delta ?? [Float](repeating: 0, count: Int(offer.parameterCount)), sampleCount: 10,
            training: TrainingSummary(steps: 1, examples: 10, meanLoss: 0.5))
    }

    static func heartData() -> DataSummary {
        DataSummary(exampleShape: Shape([13]), task: .binary, trainingRows: 100, testRows: 50, schemaSHA256: nil)
    }
}
