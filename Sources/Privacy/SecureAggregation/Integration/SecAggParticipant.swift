import Federation

/// A site's secure-aggregation endpoint for any transport: it answers the coordinator's stage
/// messages, as bytes, with its own `SecAggClient`, one round at a time. The transport only
/// moves bytes; the site's update is asked for when the masked-input stage needs it.
///
///     let participant = SecAggParticipant(site: me) { setup in
///         SecAggInput(update: myDelta, sampleCount: myExamples)    // train, or hand over the update
///     }
///     let answer = try await participant.respond(to: bytesFromCoordinator)
///
/// A setup message starts a new round (forgetting any unfinished one); every other message
/// must belong to the current round, in order, or it is refused.
public actor SecAggParticipant: SecureEndpoint {
    public let site: SiteID
    private let entropy: @Sendable (SecAggRound) -> SecAggEntropy
    private let input: @Sendable (SecAggSetup) async throws -> SecAggInput
    private var client: SecAggClient?

    /// `entropy` is called once per round and must return `.system()` outside tests and
    /// simulations (see `SecAggEntropy.seeded`).
    public init(
        site: SiteID, entropy: @escaping @Sendable (SecAggRound) -> SecAggEntropy = { _ in .system() },
        input: @escaping @Sendable (SecAggSetup) async throws -> SecAggInput
    ) {
        self.site = site
        self.entropy = entropy
        self.input = input
    }

    /// A site's endpoint in a study: the update is the one its `Site` kept under the round's
    /// sealed training request (`heldUpdate(study, round)`).
    public init(
        site: SiteID, entropy: @escaping @Sendable (SecAggRound) -> SecAggEntropy = { _ in .system() },
        heldUpdate: @escaping @Sendable (_ study: String, _ round: Int) async throws -> SiteUpdate
    ) {
        self.init(site: site, entropy: entropy) { setup in
            let update = try await heldUpdate(setup.round.study, setup.round.round)
            guard update.site == site, update.round == setup.round.round else {
                throw SecAggError.refused("the held update is \(update.site)'s for round \(update.round), not \(site)'s for \(setup.round)")
            }
            return SecAggInput(update: update.delta, sampleCount: update.sampleCount)
        }
    }

    /// Answers one coordinator message: setup -> key advertisement, roster -> encrypted
    /// shares, share delivery -> masked input, unmask request -> unmask response.
    public func respond(to message: [UInt8]) async throws(SecAggError) -> [UInt8] {
        guard let kind = message.first else { throw .malformed("empty message") }
        switch kind {
        case SecAggSetup.kind:
            let setup = try SecAggSetup(serialized: message)
            client = nil
            var fresh = try SecAggClient(site: site, setup: setup, entropy: entropy(setup.round))
            let advertisement = try fresh.advertiseKeys()
            client = fresh
            return advertisement.serialized()
        case KeyRoster.kind:
            let roster = try KeyRoster(serialized: message)
            return try withClient { client throws(SecAggError) in try client.shareKeys(roster).serialized() }
        case ShareDelivery.kind:
            let delivery = try ShareDelivery(serialized: message)
            guard let setup = client?.setup else { throw .refused("no round in progress") }
            var contribution: SecAggInput
            do { contribution = try await input(setup) } catch {
                client = nil
                throw .refused("no update to contribute: \(error)")
            }
            guard contribution.update.count == setup.parameterCount else {
                client = nil
                throw .refused("the update has \(contribution.update.count) values, the round sums \(setup.parameterCount)")
            }
            if let bound = setup.updateNormBound { contribution.update = Self.clipped(contribution.update, toNorm: bound) }
            return try withClient { client throws(SecAggError) in
                let update = try client.quantize(contribution.update, sampleCount: contribution.sampleCount)
                return try client.maskInput(delivery, update: update).serialized()
            }
        case UnmaskRequest.kind:
            let request = try UnmaskRequest(serialized: message)
            return try withClient { client throws(SecAggError) in try client.unmask(request).serialized() }
        default:
            throw .malformed("kind \(kind) is not a coordinator message")
        }
    }

    /// `update` scaled to L2 norm at most `bound` (DP-FedAvg's clipping, done at the site).
    static func clipped(_ update: [Float], toNorm bound: Double) -> [Float] {
        let norm = update.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard norm > bound else { return update }
        let scale = Float(bound / norm)
        return update.map { $0 * scale }
    }

    /// Runs one stage on the current round's client; a refusal ends the round for this site.
    private func withClient(_ body: (inout SecAggClient) throws(SecAggError) -> [UInt8]) throws(SecAggError) -> [UInt8] {
        guard var current = client else { throw .refused("no round in progress") }
        do {
            let answer = try body(&current)
            client = current
            return answer
        } catch {
            client = nil
            throw error
        }
    }
}
