import CohortTestSupport
import Crypto
import Foundation
import Testing

@testable import Compliance

@Suite struct AuditTrailTests {
    @Test func entriesReadBackAsWritten() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("trail.jsonl")
        let signer = AuditSigner.make()
        let trail = try AuditTrail.create(at: url, signer: signer)
        let time = Date(timeIntervalSince1970: 1_750_000_000.125)
        let events: [AuditEvent] = [
            .studyCreated(study: "s1", planHash: String(repeating: "a", count: 64), coordinator: "coord"),
            .instructionsReceived(
                ReceivedInstructions(
                    study: "s1", round: 1, site: "site-a", coordinator: "coord", planHash: "ab",
                    localSteps: 10, batchSize: 8, optimizer: "sgd", learningRate: 0.01, privacy: "clip 1")),
            .updateSent(
                SentUpdate(
                    study: "s1", round: 1, site: "site-a", rows: 120, bytes: 56, payloadSHA256: "cd", secureAggregation: true,
                    privacy: UpdatePrivacy(noiseMultiplier: 1.1, samplingRate: 0.05, steps: 10, clipNorm: 1, delta: 1e-5, epsilonAfter: 0.75))),
            .updateRefused(study: "s1", round: 2, site: "site-a", rule: "min_rows_per_update", reason: "12 rows, \"fewer\" than 20\nrequired"),
            .dataPrepared(PreparedData(study: "s1", site: "site-a", schemaHash: "ef", trainingRows: 100, testRows: 20, excludedRows: 3)),
            .operatorAction(operator: "ana", action: "reinstate", detail: nil)
        ]
        for event in events { try trail.append(event, at: time) }
        try trail.close()

        let log = try AuditLog.read(at: url, verifier: AuditVerifier(trustedKey: signer.identity.publicKey))
        #expect(log.verification.isIntact)
        #expect(log.entries.count == events.count + 1)
        #expect(log.entries.dropFirst().map(\.event) == events)
        #expect(log.entries.map(\.sequence) == Array(1...(events.count + 1)))
        #expect(log.entries.last?.time == time)
        #expect(log.verification.participant == "site-a")
        #expect(log.verification.keyPinned)
    }

    @Test func reopeningContinuesTheChain() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("trail.jsonl")
        let signer = AuditSigner.make()
        try writeTrail(at: url, signer: signer, count: 5).close()
        let reopened = try AuditTrail.open(at: url, signer: signer)
        let anchor = try reopened.append(.operatorLogin(operator: "ana", method: "password"))
        try reopened.close()
        #expect(anchor.sequence == 7)
        let verification = verify(url, key: signer)
        #expect(verification.isIntact)
        #expect(verification.head == anchor)
    }

    @Test func anotherKeyCannotExtendATrail() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("trail.jsonl")
        try writeTrail(at: url, signer: .make(), count: 2).close()
        #expect(throws: AuditError.self) { try AuditTrail.open(at: url, signer: .make()) }
    }

    @Test func aSecondWriterIsLockedOut() throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("trail.jsonl")
        let signer = AuditSigner.make()
        let first = try writeTrail(at: url, signer: signer, count: 1)
        #expect(throws: AuditError.inUse(path: url.path)) { try AuditTrail.open(at: url, signer: signer) }
        try first.close()
    }

    @Test func concurrentAppendsKeepOneChain() async throws {
        let directory = try TemporaryDirectory()
        let url = directory.path("trail.jsonl")
        let signer = AuditSigner.make()
        let trail = try AuditTrail.create(at: url, signer: signer, durability: .batched(entries: 16, interval: .milliseconds(5)))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<50 { try? trail.append(.roundStarted(study: "s\(worker)", round: round, participants: [])) }
                }
            }
        }
        try trail.close()
        let verification = verify(url, key: signer, signatures: .all)
        #expect(verification.isIntact)
        #expect(verification.entries == 201)
        #expect(verification.signaturesChecked == 201)
    }

    @Test func keysRoundTripThroughPEMFiles() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("site.key").path
        let key = try AuditKeyFile.generate(at: path)
        #expect(try AuditKeyFile.readPrivateKey(at: path).rawRepresentation == key.rawRepresentation)
        #expect(try AuditKeyFile.readPublicKey(path + ".pub").rawRepresentation == key.publicKey.rawRepresentation)
        #expect(throws: AuditError.keyExists(path: path)) { try AuditKeyFile.generate(at: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: AuditError.self) { try AuditKeyFile.readPrivateKey(at: path) }
    }
}
