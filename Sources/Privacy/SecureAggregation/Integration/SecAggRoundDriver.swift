import Federation

/// Runs the coordinator's side of a secure-aggregation round over any transport: each stage
/// sends every client still in the round its message at once, takes the answers that arrive
/// before the stage deadline, and closes the stage. The transport is one function that
/// delivers bytes to a site and returns its answer (a `SecAggParticipant` at the other end).
///
/// A site that fails, times out, or sends a message the coordinator rejects is out of the
/// round from that stage on; the round still sums exactly if every secret keeps t holders, and
/// aborts (`SecAggError.aborted`, nothing revealed) otherwise.
public enum SecAggRoundDriver {
    public typealias Send = @Sendable (SiteID, [UInt8]) async throws -> [UInt8]

    public struct Outcome: Sendable {
        public var sum: SecAggSum
        /// Messages the coordinator refused, with reasons.
        public var rejections: [SecAggRejection]
        /// Sites that failed or did not answer a stage in time, with the first such stage.
        public var failures: [SiteID: String]
    }

    public static func run(
        setup: SecAggSetup, minimumContributors: Int = 2, stageDeadline: Duration,
        send: @escaping Send
    ) async throws(SecAggError) -> Outcome {
        var server = try SecAggServer(setup: setup, minimumContributors: minimumContributors)
        var failures: [SiteID: String] = [:]
        let announcement = setup.serialized()

        func stage<Answer: SecAggWireMessage>(_ name: SecAggStage, _ messages: [SiteID: [UInt8]], as _: Answer.Type) async {
            let answers = await fanOut(messages, deadline: stageDeadline, send: send)
            for site in messages.keys.sorted() {
                switch answers[site] {
                case .success(let bytes)?: server.receive(serialized: bytes, as: Answer.self, from: site)
                case .failure(let error)?: failures[site] = failures[site] ?? "\(name): \(error)"
                case nil: failures[site] = failures[site] ?? "\(name): no answer within \(stageDeadline)"
                }
            }
        }

        await stage(.advertiseKeys, Dictionary(uniqueKeysWithValues: setup.participants.map { ($0, announcement) }), as: KeyAdvertisement.self)
        let rosters = try server.closeAdvertising()
        await stage(.shareKeys, rosters.mapValues { $0.serialized() }, as: EncryptedShares.self)
        let deliveries = try server.closeSharing()
        await stage(.maskedInput, deliveries.mapValues { $0.serialized() }, as: MaskedInput.self)
        let requests = try server.closeMasking()
        await stage(.unmask, requests.mapValues { $0.serialized() }, as: UnmaskResponse.self)
        let sum = try server.finish()
        return Outcome(sum: sum, rejections: server.rejections, failures: failures)
    }

    /// Sends every message at once and collects the answers that arrive before the deadline;
    /// the rest are abandoned (their tasks cancelled, not awaited).
    private static func fanOut(
        _ messages: [SiteID: [UInt8]], deadline: Duration,
        send: @escaping Send
    ) async -> [SiteID: Result<[UInt8], any Error>] {
        enum Event: Sendable {
            case answer(SiteID, Result<[UInt8], any Error>)
            case deadline
        }
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        var tasks: [Task<Void, Never>] = []
        for (site, bytes) in messages {
            tasks.append(
                Task {
                    let result: Result<[UInt8], any Error>
                    do { result = .success(try await send(site, bytes)) } catch { result = .failure(error) }
                    continuation.yield(.answer(site, result))
                })
        }
        let timer = Task {
            try? await Task.sleep(for: deadline)
            if !Task.isCancelled { continuation.yield(.deadline) }
        }
        defer {
            timer.cancel()
            for task in tasks { task.cancel() }
            continuation.finish()
        }
        var answers: [SiteID: Result<[UInt8], any Error>] = [:]
        guard !messages.isEmpty else { return answers }
        for await event in events {
            switch event {
            case .answer(let site, let result):
                answers[site] = result
                if answers.count == messages.count { return answers }
            case .deadline:
                return answers
            }
        }
        return answers
    }
}
