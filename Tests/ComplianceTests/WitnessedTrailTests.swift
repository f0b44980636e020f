import CohortTestSupport
import Crypto
import Federation
import Foundation
import Testing

@testable import Compliance

/// A trail cut back, or rewritten and signed again with its own key, passes verification on
/// its own files (nothing in them is inconsistent) but not against the heads another party
/// witnessed.
@Suite struct WitnessedTrailTests {
    /// A site trail of 21 entries and a coordinator trail that witnessed the site's head after
    /// entries 8 and 15.
    private func witnessedPair() throws -> (TemporaryDirectory, site: URL, coordinator: URL, siteSigner: AuditSigner, coordinatorSigner: AuditSigner) {
        let directory = try TemporaryDirectory("witnessed")
        let siteURL = directory.path("site-a.jsonl"), coordinatorURL = directory.path("coordinator.jsonl")
        let siteSigner = AuditSigner.make("site-a"), coordinatorSigner = AuditSigner.make("coordinator", role: .coordinator)
        let site = try writeTrail(at: siteURL, signer: siteSigner, count: 20)
        let coordinator = try AuditTrail.create(at: coordinatorURL, signer: coordinatorSigner, durability: .unsynced)
        let log = try AuditLog.read(at: siteURL)
        for (round, sequence) in [(1, 8), (2, 15)] {
            let entry = log.entries[sequence - 1]
            try coordinator.append(.trailWitnessed(study: "s1", round: round, participant: "site-a", sequence: entry.sequence, entryHash: entry.hash))
        }
        try site.close()
        try coordinator.close()
        return (directory, siteURL, coordinatorURL, siteSigner, coordinatorSigner)
    }

    private func verifyAgainstWitness(_ site: URL, key: AuditSigner, witness: URL, witnessKey: AuditSigner) throws -> AuditVerification {
        let heads = try WitnessedHeads.read(witness: witness, verifier: AuditVerifier(trustedKey: witnessKey.identity.publicKey), participant: "site-a")
        #expect(heads.witness.isIntact)
        #expect(heads.heads.map(\.sequence) == [8, 15])
        return try AuditVerifier(trustedKey: key.identity.publicKey, anchor: try #require(heads.latest)).verify(at: site)
    }

    @Test func anIntactTrailHoldsWhatWasWitnessed() throws {
        let pair = try witnessedPair()
        defer { withExtendedLifetime(pair.0) {} }
        #expect(try verifyAgainstWitness(pair.site, key: pair.siteSigner, witness: pair.coordinator, witnessKey: pair.coordinatorSigner).isIntact)
    }

    @Test func aTrailCutBelowAWitnessedHeadIsCaught() throws {
        let pair = try witnessedPair()
        defer { withExtendedLifetime(pair.0) {} }
        write(Array(lines(of: pair.site).prefix(12)), to: pair.site)
        #expect(verify(pair.site, key: pair.siteSigner).isIntact, "the cut trail is consistent on its own")
        let verification = try verifyAgainstWitness(pair.site, key: pair.siteSigner, witness: pair.coordinator, witnessKey: pair.coordinatorSigner)
        #expect(!verification.isIntact)
        #expect(verification.damage?.reason.contains("entry 15 was recorded elsewhere") == true, "\(String(describing: verification.damage))")
    }

    @Test func aTrailRewrittenAndSignedAgainWithItsOwnKeyIsCaught() throws {
        let pair = try witnessedPair()
        defer { withExtendedLifetime(pair.0) {} }
        // Someone with the site's files (and the key beside them) writes a different history.
        try FileManager.default.removeItem(at: pair.site)
        let forged = try AuditTrail.create(at: pair.site, signer: pair.siteSigner, durability: .unsynced)
        for round in 1...20 { try forged.append(.roundStarted(study: "s1", round: round, participants: ["site-a"])) }
        try forged.close()
        #expect(verify(pair.site, key: pair.siteSigner, signatures: .all).isIntact, "the forgery is signed with the right key")
        let verification = try verifyAgainstWitness(pair.site, key: pair.siteSigner, witness: pair.coordinator, witnessKey: pair.coordinatorSigner)
        #expect(!verification.isIntact)
        #expect(verification.damage?.kind == .anchorMismatch)
    }

    @Test func aDamagedWitnessIsReportedAsSuch() throws {
        let pair = try witnessedPair()
        defer { withExtendedLifetime(pair.0) {} }
        var witness = lines(of: pair.coordinator)
        #expect(witness[1].contains("site-a"))
        witness[1] = witness[1].replacingOccurrences(of: "site-a", with: "site-b")
        write(witness, to: pair.coordinator)
        let heads = try WitnessedHeads.read(
            witness: pair.coordinator, verifier: AuditVerifier(trustedKey: pair.coordinatorSigner.identity.publicKey),
            participant: "site-a")
        #expect(!heads.witness.isIntact)
    }

    @Test func aTrailHeadFromTheNetworkIsAPositionAndAHash() throws {
        let hash = String(repeating: "0f", count: 32)
        #expect(TrailHead(sequence: 3, entryHash: hash)?.description == "3:\(hash)")
        #expect(TrailHead(sequence: 0, entryHash: hash) == nil)
        #expect(TrailHead(sequence: 3, entryHash: hash.uppercased()) == nil)
        #expect(TrailHead(sequence: 3, entryHash: String(hash.dropLast())) == nil)
        #expect(TrailHead(sequence: 3, entryHash: String(repeating: "zz", count: 32)) == nil)
        #expect(TrailHead(sequence: 3, entryHash: hash + "\u{1b}[31m") == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TrailHead.self, from: Data(#"{"sequence": 2, "entryHash": "x"}"#.utf8))
        }
    }
}
