import Federation
import Testing

@testable import Privacy

/// The coordinator driver and site participants over bytes, as a transport would carry them.
@Suite struct SecAggDriverTests {
    struct Unreachable: Error {}

    /// Participants for every site; `silent` never answer, `failing` throw at the masked input.
    static func network(_ setup: SecAggSetup, silent: Set<SiteID> = [], failing: Set<SiteID> = [])
        -> (SecAggRoundDriver.Send, [SiteID: SecAggInput])
    {
        let inputs = SecAggFixture.inputs(for: setup)
        var participants: [SiteID: SecAggParticipant] = [:]
        for site in setup.participants {
            let input = inputs[site]!
            let fails = failing.contains(site)
            participants[site] = SecAggParticipant(site: site, entropy: { _ in SecAggFixture.entropy(site) }) { _ in
                if fails { throw Unreachable() }
                return input
            }
        }
        let routes = participants
        let send: SecAggRoundDriver.Send = { site, bytes in
            if silent.contains(site) {
                try await Task.sleep(for: .seconds(60))
                throw Unreachable()
            }
            return try await routes[site]!.respond(to: bytes)
        }
        return (send, inputs)
    }

    @Test func aRoundOverBytesSumsExactlyDespiteSilentAndFailingSites() async throws {
        let setup = SecAggFixture.setup(clients: 9, threshold: 6)
        let silent: SiteID = setup.participants[2]
        let failing: SiteID = setup.participants[7]
        let (send, inputs) = Self.network(setup, silent: [silent], failing: [failing])
        let outcome = try await SecAggRoundDriver.run(setup: setup, stageDeadline: .milliseconds(1500), send: send)
        #expect(outcome.sum.contributors == setup.participants.filter { $0 != silent && $0 != failing })
        #expect(outcome.sum.dropped == [failing])
        #expect(outcome.failures[silent]?.contains("no answer") == true)
        #expect(outcome.failures[failing]?.contains("no update") == true)
        // Same seeds, same rounding: a local run with the same dropouts gives the same sum.
        let reference = try SecAggSimulation.run(
            setup: setup, inputs: inputs, entropy: SecAggFixture.entropy,
            dropouts: [silent: .beforeAdvertising, failing: .afterSharing], keepQuantized: true)
        #expect(outcome.sum == reference.sum)
        #expect(SecAggFixture.unmasked(reference) == SecAggFixture.plainSum(reference))
        let aggregate = outcome.sum.roundAggregate()
        #expect(aggregate.contributors == outcome.sum.contributors)
        #expect(aggregate.totalSamples == Int(outcome.sum.totalWeight))
    }

    @Test func tooManyFailuresAbortTheRound() async throws {
        let setup = SecAggFixture.setup(clients: 6, threshold: 4)
        let (send, _) = Self.network(setup, failing: Set(setup.participants.prefix(3)))
        await #expect(throws: SecAggError.self) {
            _ = try await SecAggRoundDriver.run(setup: setup, stageDeadline: .seconds(5), send: send)
        }
    }

    @Test func aParticipantRefusesMessagesOutOfOrderOrUnknown() async throws {
        let setup = SecAggFixture.setup(clients: 5, threshold: 3)
        let participant = SecAggParticipant(site: setup.participants[0], entropy: { _ in .seeded(1) }) { _ in
            SecAggInput(update: [Float](repeating: 0, count: setup.parameterCount), sampleCount: 1)
        }
        let request = UnmaskRequest(header: SecAggHeader(round: setup.round, stage: .unmask, participant: 1), survivors: [2, 3], dropped: [])
        await #expect(throws: SecAggError.self) { _ = try await participant.respond(to: request.serialized()) }
        await #expect(throws: SecAggError.self) { _ = try await participant.respond(to: [42, 1, 0]) }
        await #expect(throws: SecAggError.self) { _ = try await participant.respond(to: []) }
        let advertisement = try await participant.respond(to: setup.serialized())
        #expect(try KeyAdvertisement(serialized: advertisement).header.participant == 1)
    }
}
