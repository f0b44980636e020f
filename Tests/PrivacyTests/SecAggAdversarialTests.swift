import Federation
import Testing

@testable import Privacy

/// A coordinator that lies, and messages that are malformed, replayed, misaddressed or from
/// strangers: refused or rejected with a reason, and never a wrong sum.
@Suite struct SecAggAdversarialTests {
    // MARK: - The double-reveal attack

    @Test func aClientRefusesToRevealBothSharesOfOnePeer() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 6, threshold: 4))
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        let victim: UInt32 = 2
        let asked = harness.sites[0]
        var forged = requests[asked]!
        forged.dropped.append(victim)  // victim is also in survivors
        #expect(forged.survivors.contains(victim))
        #expect {
            _ = try harness.clients[asked]!.unmask(forged)
        } throws: { error in
            guard case .refused(let reason) = error as? SecAggError else { return false }
            return reason.contains("both") && reason.contains("participant 2")
        }
        // Having refused, it stays out: the honest request is refused as well.
        #expect(throws: SecAggError.self) { _ = try harness.clients[asked]!.unmask(requests[asked]!) }
    }

    @Test func aClientAnswersOnlyOneUnmaskRequest() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 6, threshold: 4))
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        let site = harness.sites[1]
        var lie = requests[site]!
        // First, a request claiming participant 4 survived; then one claiming it dropped.
        _ = try harness.clients[site]!.unmask(lie)
        lie.dropped = lie.survivors.filter { $0 == 4 }
        lie.survivors.removeAll { $0 == 4 }
        #expect {
            _ = try harness.clients[site]!.unmask(lie)
        } throws: { error in
            guard case .refused(let reason) = error as? SecAggError else { return false }
            return reason.contains("out of order")
        }
    }

    @Test func aCoordinatorSplittingTheNeighbourhoodCannotRecoverBothSecrets() throws {
        // Every neighbour of the victim answers once; the coordinator asks half of them for the
        // victim's seed share and half for its key share. With 2t > k one half is below t.
        let setup = SecAggFixture.setup(clients: 7, threshold: 4)  // k = 6, t = 4
        var harness = try SecAggHarness(setup)
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        let victim: UInt32 = 1
        var seedShares: [ShamirShare] = []
        var keyShares: [ShamirShare] = []
        for (position, site) in harness.sites.enumerated() where position + 1 != Int(victim) {
            var request = requests[site]!
            if position % 2 == 0 {
                request.survivors.removeAll { $0 == victim }
                request.dropped.append(victim)
            }
            guard let response = try? harness.clients[site]!.unmask(request) else { continue }
            seedShares += response.seedShares.filter { $0.owner == victim }.map(\.share)
            keyShares += response.keyShares.filter { $0.owner == victim }.map(\.share)
        }
        #expect(seedShares.count + keyShares.count <= 6)
        #expect(min(seedShares.count, keyShares.count) < setup.threshold)
        let seed = try? ShamirSharing.reconstruct(seedShares, threshold: setup.threshold)
        let key = try? ShamirSharing.reconstruct(keyShares, threshold: setup.threshold)
        #expect(seed == nil || key == nil)
    }

    @Test func aThresholdBelowAMajorityIsRefused() {
        #expect(throws: SecAggError.self) { try SecAggServer(setup: SecAggFixture.setup(clients: 7, threshold: 3)) }
        #expect(throws: SecAggError.self) {
            try SecAggClient(site: "site-00", setup: SecAggFixture.setup(clients: 7, threshold: 3), entropy: .seeded(1))
        }
        #expect(throws: SecAggError.self) { try SecAggGraphPlan.harary(clients: 100, degree: 10, threshold: 5, dropout: 0.1, corruption: 0) }
    }

    @Test func aClientRefusesASurvivorListBelowTheThreshold() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 6, threshold: 4))
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        let site = harness.sites[0]
        var request = requests[site]!
        request.dropped = request.survivors.suffix(3) + request.dropped
        request.survivors = Array(request.survivors.prefix(2))
        #expect {
            _ = try harness.clients[site]!.unmask(request)
        } throws: { error in
            guard case .refused(let reason) = error as? SecAggError else { return false }
            return reason.contains("fewer than the threshold")
        }
    }

    // MARK: - Below the threshold: abort, reveal nothing

    @Test func tooManyDropoutsBeforeMaskingAbortBeforeAnyShareIsRequested() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 10, threshold: 6))
        let deliveries = try harness.share(try harness.advertise())
        // 4 drop after sharing: every survivor keeps 5 < 6 holders of its seed.
        let survivors = Array(harness.sites.prefix(6))
        for (site, input) in try harness.maskedInputs(deliveries, survivors) {
            let rejection = harness.server.receive(input, from: site)
            #expect(rejection == nil)
        }
        #expect {
            _ = try harness.server.closeMasking()
        } throws: { error in
            guard case .aborted(let reason) = error as? SecAggError else { return false }
            return reason.contains("fewer than the threshold") && reason.contains("nothing was revealed")
        }
        if case .aborted = harness.server.phase {} else { Issue.record("phase is \(harness.server.phase)") }
        #expect(throws: SecAggError.self) { _ = try harness.server.finish() }
    }

    @Test func fewerMaskedInputsThanTheStudyMinimumAbortBeforeAnyShareIsRequested() throws {
        // 5 clients, t = 3: four masked inputs keep every secret recoverable, but the study
        // needs 5 sites a round, so the sum of 4 is never revealed.
        for (minimum, reveals) in [(5, false), (4, true)] {
            var harness = try SecAggHarness(SecAggFixture.setup(clients: 5, threshold: 3), minimumContributors: minimum)
            let deliveries = try harness.share(try harness.advertise())
            for (site, input) in try harness.maskedInputs(deliveries, Array(harness.sites.prefix(4))) {
                #expect(harness.server.receive(input, from: site) == nil)
            }
            if reveals {
                #expect(try harness.server.closeMasking().count == 4)
            } else {
                #expect {
                    _ = try harness.server.closeMasking()
                } throws: { error in
                    guard case .aborted(let reason) = error as? SecAggError else { return false }
                    return reason.contains("fewer than the 5 the round needs") && reason.contains("nothing was revealed")
                }
            }
        }
    }

    @Test func tooFewUnmaskResponsesAbortWithoutReconstructingAnything() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 8, threshold: 5))
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        // Only 4 of 8 answer: every seed has at most 4 < 5 shares.
        for site in harness.sites.prefix(4) {
            #expect(harness.server.receive(try harness.clients[site]!.unmask(requests[site]!), from: site) == nil)
        }
        #expect {
            _ = try harness.server.finish()
        } throws: { error in
            guard case .aborted(let reason) = error as? SecAggError else { return false }
            return reason.contains("nothing was reconstructed")
        }
        #expect(throws: SecAggError.self) { _ = try harness.server.finish() }
    }

    @Test func fewerAdvertisersThanTheThresholdAbortTheRound() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 6, threshold: 4))
        #expect(throws: SecAggError.self) { _ = try harness.advertise(Array(harness.sites.prefix(4))) }
        if case .aborted = harness.server.phase {} else { Issue.record("phase is \(harness.server.phase)") }
    }

    // MARK: - Bad input at the coordinator

    @Test func malformedAdvertisementsAreRejectedWithAReason() throws {
        let setup = SecAggFixture.setup(clients: 5, threshold: 3)
        var server = try SecAggServer(setup: setup)
        var client = try SecAggClient(site: "site-01", setup: setup, entropy: .seeded(9))
        var advertisement = try client.advertiseKeys()
        let good = advertisement
        advertisement.keys.maskingKey.removeLast()
        #expect(server.receive(advertisement, from: "site-01")?.reason.contains("32 bytes") == true)
        advertisement = good
        advertisement.keys.maskingKey = advertisement.keys.encryptionKey
        #expect(server.receive(advertisement, from: "site-01")?.reason.contains("same") == true)
        // Bytes that do not decode.
        let bytes = good.serialized()
        let truncated = server.receive(serialized: Array(bytes.dropLast(3)), as: KeyAdvertisement.self, from: "site-01")?.reason ?? ""
        #expect(truncated.contains("does not fit") || truncated.contains("truncated"))
        #expect(server.receive(serialized: Array(bytes.prefix(5)), as: KeyAdvertisement.self, from: "site-01")?.reason.contains("truncated") == true)
        #expect(server.receive(serialized: bytes + [0], as: KeyAdvertisement.self, from: "site-01")?.reason.contains("trailing") == true)
        #expect(server.receive(serialized: [9, 1] + bytes.dropFirst(2), as: KeyAdvertisement.self, from: "site-01") != nil)
        // The intact one is still accepted afterwards.
        #expect(server.receive(serialized: bytes, as: KeyAdvertisement.self, from: "site-01") == nil)
        #expect(server.rejections.count == 6)
    }

    @Test func replayedForeignAndImpersonatedMessagesAreRejected() throws {
        let setup = SecAggFixture.setup(clients: 5, threshold: 3)
        var server = try SecAggServer(setup: setup)
        var client = try SecAggClient(site: "site-02", setup: setup, entropy: .seeded(2))
        let advertisement = try client.advertiseKeys()
        #expect(server.receive(advertisement, from: "site-02") == nil)
        #expect(server.receive(advertisement, from: "site-02")?.reason.contains("replayed") == true)
        // Sent by another authenticated site: the header names participant 3, the sender is 4.
        #expect(server.receive(advertisement, from: "site-03")?.reason.contains("participant 3") == true)
        #expect(server.receive(advertisement, from: "hospital-x")?.reason.contains("not a participant") == true)
        // The same client's message from another round.
        let older = SecAggFixture.setup(clients: 5, threshold: 3, round: SecAggRound(study: "secagg-test", round: 2))
        var stale = try SecAggClient(site: "site-04", setup: older, entropy: .seeded(4))
        #expect(server.receive(try stale.advertiseKeys(), from: "site-04")?.reason.contains("stale or replayed") == true)
    }

    @Test func sharesForNonNeighboursOrMissingSharesAreRejected() throws {
        let setup = SecAggFixture.setup(clients: 12, shape: .harary(degree: 4), threshold: 3)
        var harness = try SecAggHarness(setup)
        let rosters = try harness.advertise()
        let site = harness.sites[0]
        let message = try harness.clients[site]!.shareKeys(rosters[site]!)
        let neighbours = Set(rosters[site]!.peers.map(\.participant))
        let stranger = (2...12).map(UInt32.init).first { !neighbours.contains($0) }!
        var foreign = message
        foreign.shares[0].peer = stranger
        #expect(harness.server.receive(foreign, from: site)?.reason.contains("not among its neighbours") == true)
        var missing = message
        missing.shares.removeLast()
        #expect(harness.server.receive(missing, from: site)?.reason.contains("no share") == true)
        var short = message
        short.shares[1].ciphertext.removeLast()
        #expect(harness.server.receive(short, from: site)?.reason.contains("bytes") == true)
        #expect(harness.server.receive(message, from: site) == nil)
        #expect(harness.server.receive(message, from: site)?.reason.contains("replayed") == true)
    }

    @Test func aMaskedVectorOfTheWrongLengthIsRejectedAndTheRoundStillSumsExactly() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 8, threshold: 5))
        let deliveries = try harness.share(try harness.advertise())
        let inputs = try harness.maskedInputs(deliveries)
        let liar = harness.sites[3]
        var wrong = inputs[liar]!
        wrong.values.removeLast()
        #expect(harness.server.receive(wrong, from: liar)?.reason.contains("expected \(harness.setup.parameterCount + 1)") == true)
        for (site, input) in inputs where site != liar { #expect(harness.server.receive(input, from: site) == nil) }
        let requests = try harness.server.closeMasking()
        #expect(requests[liar] == nil)
        let sum = try harness.unmask(requests)
        let contributors = harness.sites.filter { $0 != liar }
        #expect(sum.contributors == contributors)
        #expect(sum.dropped == [liar])
        #expect(sum.values + [sum.totalWeight] == harness.plainSum(of: contributors))
    }

    @Test func unmaskSharesOfPeersNotAskedForAreRejected() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 12, shape: .harary(degree: 4), threshold: 3))
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        let site = harness.sites[0]
        var response = try harness.clients[site]!.unmask(requests[site]!)
        let asked = Set(requests[site]!.survivors)
        let stranger = (2...12).map(UInt32.init).first { !asked.contains($0) }!
        response.seedShares[0].owner = stranger
        #expect(harness.server.receive(response, from: site)?.reason.contains("not asked for") == true)
    }

    @Test func inconsistentSharesAbortInsteadOfProducingAWrongSum() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 6, threshold: 4))
        let requests = try harness.mask(try harness.share(try harness.advertise()))
        for site in harness.sites {
            var response = try harness.clients[site]!.unmask(requests[site]!)
            if site == harness.sites[0] {
                // Participant 1 corrupts its share (point 1, used first) of participant 2's seed.
                let position = response.seedShares.firstIndex { $0.owner == 2 }!
                var values = response.seedShares[position].share.values
                values[0] = (values[0] + 1) % PrimeField.modulus
                response.seedShares[position].share = ShamirShare(x: 1, values: values)
            }
            #expect(harness.server.receive(response, from: site) == nil)
        }
        #expect {
            _ = try harness.server.finish()
        } throws: { error in
            guard case .aborted(let reason) = error as? SecAggError else { return false }
            return reason.contains("site-01") && (reason.contains("commitment") || reason.contains("inconsistent"))
        }
    }

    // MARK: - Bad input at a client

    @Test func aClientRefusesARosterWithAStrangerOrADuplicatedKey() throws {
        let setup = SecAggFixture.setup(clients: 12, shape: .harary(degree: 4), threshold: 3)
        var harness = try SecAggHarness(setup)
        let rosters = try harness.advertise()
        let site = harness.sites[0]
        var withStranger = rosters[site]!
        let neighbours = Set(withStranger.peers.map(\.participant))
        withStranger.peers[0].participant = (2...12).map(UInt32.init).first { !neighbours.contains($0) }!
        var client = harness.clients[site]!
        #expect { _ = try client.shareKeys(withStranger) } throws: { error in
            (error as? SecAggError)?.description.contains("not my neighbour") == true
        }
        var duplicated = rosters[site]!
        duplicated.peers[1].encryptionKey = duplicated.peers[0].encryptionKey
        client = harness.clients[site]!
        #expect { _ = try client.shareKeys(duplicated) } throws: { error in
            (error as? SecAggError)?.description.contains("another participant") == true
        }
        var otherRound = rosters[site]!
        otherRound.header.round.round += 1
        client = harness.clients[site]!
        #expect { _ = try client.shareKeys(otherRound) } throws: { error in
            (error as? SecAggError)?.description.contains("stale or replayed") == true
        }
    }

    @Test func aClientRefusesTamperedOrMisroutedSharesAndRepeatedStages() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 6, threshold: 4))
        let rosters = try harness.advertise()
        var again = harness.clients[harness.sites[0]]!
        #expect(throws: SecAggError.self) { _ = try again.advertiseKeys() }
        let deliveries = try harness.share(rosters)
        let site = harness.sites[2]
        let input = harness.inputs[site]!
        let update = try harness.clients[site]!.quantize(input.update, sampleCount: input.sampleCount)

        var tampered = deliveries[site]!
        tampered.shares[0].ciphertext[20] ^= 1
        var client = harness.clients[site]!
        #expect { _ = try client.maskInput(tampered, update: update) } throws: { error in
            (error as? SecAggError)?.description.contains("does not decrypt") == true
        }
        var misrouted = deliveries[site]!
        misrouted.shares[0].peer = misrouted.shares[1].peer
        client = harness.clients[site]!
        #expect(throws: SecAggError.self) { _ = try client.maskInput(misrouted, update: update) }
        var swapped = deliveries[site]!
        swapped.shares[0].ciphertext = deliveries[harness.sites[3]]!.shares[0].ciphertext
        client = harness.clients[site]!
        #expect(throws: SecAggError.self) { _ = try client.maskInput(swapped, update: update) }
        client = harness.clients[site]!
        #expect { _ = try client.maskInput(deliveries[site]!, update: QuantizedUpdate(values: Array(update.values.dropFirst()))) } throws: { error in
            (error as? SecAggError)?.description.contains("words") == true
        }
        client = harness.clients[site]!
        #expect { _ = try client.quantize([0.1, 0.2], sampleCount: 3) } throws: { error in
            (error as? SecAggError)?.description.contains("expects \(harness.setup.parameterCount)") == true
        }
        // The genuine delivery still works, once.
        client = harness.clients[site]!
        _ = try client.maskInput(deliveries[site]!, update: update)
        #expect { _ = try client.maskInput(deliveries[site]!, update: update) } throws: { error in
            (error as? SecAggError)?.description.contains("out of order") == true
        }
    }

    @Test func aClientThatIsNotAParticipantRefusesTheSetup() {
        #expect(throws: SecAggError.self) {
            try SecAggClient(site: "stranger", setup: SecAggFixture.setup(clients: 5, threshold: 3), entropy: .seeded(1))
        }
    }
}
