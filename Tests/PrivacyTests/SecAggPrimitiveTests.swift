import Crypto
import Federation
import Learning
import Testing
import _CryptoExtras

@testable import Privacy

/// Shamir sharing, the field, the mask stream and the wire format.
@Suite struct SecAggPrimitiveTests {
    @Test func fieldArithmeticIsConsistent() {
        var generator = SeededGenerator(seed: 8)
        for _ in 0..<1000 {
            let a = PrimeField.random(using: &generator)
            let b = PrimeField.random(using: &generator)
            #expect(PrimeField.subtract(PrimeField.add(a, b), b) == a)
            if a != 0 { #expect(PrimeField.multiply(a, PrimeField.inverse(a)) == 1) }
            // (a * b) mod p via 128-bit division.
            let product = a.multipliedFullWidth(by: b)
            let reference = PrimeField.modulus.dividingFullWidth((product.high, product.low)).remainder
            #expect(PrimeField.multiply(a, b) == reference)
        }
        #expect(PrimeField.multiply(PrimeField.modulus - 1, PrimeField.modulus - 1) == 1)
    }

    @Test func anyThresholdSubsetReconstructsAndFewerDoNot() throws {
        var generator = SeededGenerator(seed: 9)
        let secret = (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let points: [UInt32] = [3, 5, 8, 13, 21, 34, 55]
        let shares = ShamirSharing.split(secret, threshold: 4, points: points, using: &generator)
        for _ in 0..<20 {
            let subset = Array(generator.permutation(points.count).prefix(4).map { shares[$0] })
            #expect(try ShamirSharing.reconstruct(subset, threshold: 4) == secret)
        }
        #expect(throws: ShamirError.tooFewShares(have: 3, need: 4)) { try ShamirSharing.reconstruct(Array(shares.prefix(3)), threshold: 4) }
        // Three shares interpolated as if t were 3 give something else (or nothing valid).
        let wrong = try? ShamirSharing.reconstruct(Array(shares.prefix(3)), threshold: 3)
        #expect(wrong != secret)
        #expect(throws: ShamirError.self) { try ShamirSharing.reconstruct([shares[0], shares[0], shares[1], shares[2]], threshold: 4) }
    }

    @Test func sharesOfAllOnesAndZeroSecretsRoundTrip() throws {
        var generator = SeededGenerator(seed: 10)
        for secret in [[UInt8](repeating: 0xFF, count: 32), [UInt8](repeating: 0, count: 32)] {
            let shares = ShamirSharing.split(secret, threshold: 2, points: [1, 2, 3], using: &generator)
            #expect(try ShamirSharing.reconstruct(shares, threshold: 2) == secret)
        }
    }

    @Test func theChunkedMaskStreamIsAES256CTRFromCounterZero() throws {
        let key = SymmetricKey(data: (0..<32).map { UInt8($0) })
        let count = 20_011  // several 32 KiB chunks and a ragged end
        var masked = [UInt32](repeating: 0, count: count)
        MaskExpander.apply(key: key, .add, to: &masked)
        let reference = try AES._CTR.encrypt(
            [UInt8](repeating: 0, count: 4 * count), using: key,
            nonce: AES._CTR.Nonce(nonceBytes: [UInt8](repeating: 0, count: 16)))
        let words = stride(from: 0, to: reference.count, by: 4).map { offset in
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(reference[reference.startIndex + offset + $1]) << (8 * UInt32($1)) }
        }
        #expect(masked == words)
        MaskExpander.apply(key: key, .subtract, to: &masked)
        #expect(masked.allSatisfy { $0 == 0 })
    }

    @Test func seededEntropyIsReproducibleAndSystemEntropyIsNot() {
        var a = SecAggEntropy.seeded(5).generator(for: "x", round: SecAggFixture.round, participant: 1)
        var b = SecAggEntropy.seeded(5).generator(for: "x", round: SecAggFixture.round, participant: 1)
        var c = SecAggEntropy.seeded(5).generator(for: "y", round: SecAggFixture.round, participant: 1)
        var d = SecAggEntropy.system().generator(for: "x", round: SecAggFixture.round, participant: 1)
        let first = (0..<600).map { _ in a.next() }
        #expect(first == (0..<600).map { _ in b.next() })
        #expect(first != (0..<600).map { _ in c.next() })
        #expect(first != (0..<600).map { _ in d.next() })
    }

    @Test func everyMessageSurvivesTheWireAndGarbageDoesNot() throws {
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 5, threshold: 3, parameters: 9))
        let setup = harness.setup
        #expect(try SecAggSetup(serialized: setup.serialized()) == setup)
        let site = harness.sites[1]
        var client = try SecAggClient(site: site, setup: setup, entropy: .seeded(77))
        let advertisement = try client.advertiseKeys()
        #expect(try KeyAdvertisement(serialized: advertisement.serialized()) == advertisement)
        let rosters = try harness.advertise()
        #expect(try KeyRoster(serialized: rosters[site]!.serialized()) == rosters[site]!)
        let shares = try harness.clients[site]!.shareKeys(rosters[site]!)
        #expect(try EncryptedShares(serialized: shares.serialized()) == shares)
        for other in harness.sites where other != site {
            _ = harness.server.receive(try harness.clients[other]!.shareKeys(rosters[other]!), from: other)
        }
        _ = harness.server.receive(shares, from: site)
        let deliveries = try harness.server.closeSharing()
        #expect(try ShareDelivery(serialized: deliveries[site]!.serialized()) == deliveries[site]!)
        let masked = try harness.maskedInputs(deliveries)
        #expect(try MaskedInput(serialized: masked[site]!.serialized()) == masked[site]!)
        #expect(masked[site]!.serialized().count <= 4 * 10 + 64)
        for (other, input) in masked { _ = harness.server.receive(input, from: other) }
        let requests = try harness.server.closeMasking()
        #expect(try UnmaskRequest(serialized: requests[site]!.serialized()) == requests[site]!)
        let response = try harness.clients[site]!.unmask(requests[site]!)
        #expect(try UnmaskResponse(serialized: response.serialized()) == response)

        // Truncations and kind confusion are refused.
        let bytes = shares.serialized()
        for cut in [1, 2, 10, bytes.count / 2, bytes.count - 1] {
            #expect(throws: SecAggError.self) { try EncryptedShares(serialized: Array(bytes.prefix(cut))) }
        }
        #expect(throws: SecAggError.self) { try MaskedInput(serialized: bytes) }
        var hugeCount = masked[site]!.serialized()
        let countOffset = hugeCount.count - 4 * 10 - 4
        hugeCount[countOffset + 3] = 0x7F
        #expect(throws: SecAggError.self) { try MaskedInput(serialized: hugeCount) }
    }
}
