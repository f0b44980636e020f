import CohortTestSupport
import Crypto
import Foundation
import Testing

@testable import Compliance

/// Every kind of tampering is caught, at the right entry (numbered from 1 in file order).
@Suite struct TamperingTests {
    /// A 21-entry trail (start + 20) and its lines.
    private func trail() throws -> (TemporaryDirectory, URL, AuditSigner, [String]) {
        let directory = try TemporaryDirectory()
        let url = directory.path("trail.jsonl")
        let signer = AuditSigner.make()
        try writeTrail(at: url, signer: signer, count: 20).close()
        return (directory, url, signer, lines(of: url))
    }

    /// Flips one bit of `line` at the first occurrence of `marker` plus `offset`.
    private func flip(_ line: String, at marker: String, offset: Int = 0) -> String {
        var bytes = Array(line.utf8)
        let target = Array(marker.utf8)
        let start = (0...(bytes.count - target.count)).first { Array(bytes[$0..<($0 + target.count)]) == target }!
        bytes[start + target.count + offset] ^= 0x01
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func anUntouchedTrailVerifies() throws {
        let (directory, url, signer, _) = try trail()
        defer { withExtendedLifetime(directory) {} }
        let verification = verify(url, key: signer)
        #expect(verification.isIntact)
        #expect(verification.entries == 21)
        #expect(verification.verifiedEntries == 21)
        #expect(verify(url, key: signer, signatures: .all).isIntact)
    }

    @Test func aBitFlipInTheContentIsCaughtAtItsEntry() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines[8] = flip(lines[8], at: "\"rows\":")  // entry 9: 120 rows become 020
        write(lines, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 9)
        #expect(damage.kind == .hashMismatch)
    }

    @Test func aBitFlipInTheRecordedHashIsCaughtAtItsEntry() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines[4] = flip(lines[4], at: "\"hash\":\"", offset: 10)
        write(lines, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 5)
        #expect(damage.kind == .hashMismatch)
    }

    @Test(arguments: [3, 21]) func aBitFlipInASignatureIsCaughtAtItsEntry(entry: Int) throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines[entry - 1] = flip(lines[entry - 1], at: "\"sig\":\"", offset: 20)
        write(lines, to: url)
        for check in AuditVerifier.SignatureCheck.allCases {
            let damage = try #require(verify(url, key: signer, signatures: check).damage)
            #expect(damage.entry == entry)
            #expect(damage.kind == .badSignature)
        }
    }

    @Test func aFlippedCaseBitInTheHeadSignatureIsNotReadAsTheSameByte() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        var bytes = Array(lines[20].utf8)
        let start = lines[20].utf8.count - 130
        let index = (start..<(start + 128)).first { bytes[$0] >= 97 && bytes[$0] <= 102 }!
        bytes[index] ^= 0x20  // 'a' -> 'A'
        lines[20] = String(decoding: bytes, as: UTF8.self)
        write(lines, to: url)
        #expect(verify(url, key: signer).damage?.entry == 21)
    }

    @Test func aDeletedEntryIsCaughtWhereItWas() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines.remove(at: 9)  // entry 10
        write(lines, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 10)
        #expect(damage.kind == .sequence)
    }

    @Test func aDeletedFirstEntryIsCaught() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        write(Array(original.dropFirst()), to: url)
        #expect(verify(url, key: signer).damage?.entry == 1)
    }

    @Test func anInsertedEntryIsCaughtWhereItWasPut() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines.insert(original[5], at: 12)  // a copy of entry 6 as entry 13
        write(lines, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 13)
    }

    @Test func aForgedTailWithRecomputedHashesFailsTheSignature() throws {
        // The forger edits entry 13, then renumbers, rehashes and relinks every line after it:
        // the chain is consistent again, but the forger cannot sign with the site's key.
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var entries = try AuditLog.read(at: url).entries
        guard case .updateSent(var sent) = entries[12].event else {
            Issue.record("entry 13 is not an update")
            return
        }
        sent.rows = 5
        entries[12].event = .updateSent(sent)
        let forged = forge(Array(entries[12...]), after: Array(original.prefix(12)), signer: .make())
        #expect(forged.count == original.count)
        write(forged, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 13)
        #expect(damage.kind == .badSignature)
        #expect(verify(url, key: signer, signatures: .all).damage?.entry == 13)
    }

    @Test func reorderedEntriesAreCaughtAtTheFirstMovedOne() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines.swapAt(14, 15)  // entries 15 and 16
        write(lines, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 15)
        #expect(damage.kind == .sequence)
    }

    @Test func aTornLastLineIsReportedNotDropped() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        let text = original.joined(separator: "\n") + "\n" + String(original[20].prefix(57))
        try Data(text.utf8).write(to: url)
        let verification = verify(url, key: signer)
        let damage = try #require(verification.damage)
        #expect(damage.entry == 22)
        #expect(damage.kind == .tornTail)
        #expect(verification.verifiedEntries == 21)
        // A damaged trail is never extended ...
        #expect(throws: AuditError.self) { try AuditTrail.open(at: url, signer: signer) }
        // ... but its intact entries can still be read.
        #expect(try AuditLog.read(at: url).entries.count == 21)
    }

    @Test func aLineCutMidwayIsCaught() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var lines = original
        lines[20] = String(lines[20].dropLast(30))
        write(lines, to: url)
        let damage = try #require(verify(url, key: signer).damage)
        #expect(damage.entry == 21)
        #expect(damage.kind == .malformed)
    }

    @Test func truncationAtALineBoundaryIsCaughtAgainstAnAnchor() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        let anchor = try #require(verify(url, key: signer).head)
        write(Array(original.prefix(17)), to: url)
        #expect(verify(url, key: signer).isIntact)  // no file can show this alone ...
        let damage = try #require(verify(url, key: signer, anchor: anchor).damage)  // ... an anchor kept elsewhere does
        #expect(damage.kind == .truncated)
        #expect(damage.entry == 18)
    }

    @Test func aTrailSignedByAnotherKeyIsNotTrusted() throws {
        let (directory, url, _, _) = try trail()
        defer { withExtendedLifetime(directory) {} }
        let damage = try #require(verify(url, key: .make()).damage)
        #expect(damage.entry == 1)
        #expect(damage.kind == .untrustedKey)
    }

    @Test func recoverSetsTheTornLineAsideAndSaysSo() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        let torn = String(original[20].prefix(40))
        try Data((original.joined(separator: "\n") + "\n" + torn).utf8).write(to: url)
        let trail = try AuditTrail.recover(at: url, signer: signer, by: "ana")
        try trail.close()
        let log = try AuditLog.read(at: url, verifier: AuditVerifier(trustedKey: signer.identity.publicKey))
        #expect(log.verification.isIntact)
        guard case .trailRecovered(let bytes, _, let by)? = log.entries.last?.event else {
            Issue.record("no recovery entry")
            return
        }
        #expect(bytes == torn.utf8.count)
        #expect(by == "ana")
        let aside = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains(".torn-") }
        #expect(aside.count == 1)
    }

    @Test func recoverRefusesDamageThatIsNotATornLine() throws {
        let (directory, url, signer, original) = try trail()
        defer { withExtendedLifetime(directory) {} }
        var damaged = original
        damaged.remove(at: 3)
        write(damaged, to: url)
        #expect(throws: AuditError.self) { try AuditTrail.recover(at: url, signer: signer, by: "ana") }
        #expect(lines(of: url) == damaged)  // untouched
    }
}

/// What a forger with write access but without the key can produce: `entries` appended after
/// `lines`, numbered, hashed and linked exactly as the format says, signed with another key.
func forge(_ entries: [AuditEntry], after lines: [String], signer: AuditSigner) -> [String] {
    var result = lines
    var link = Hex.string(SHA256.hash(data: Array(lines.last!.utf8)))
    for entry in entries {
        let body = AuditLineFormat.body(sequence: result.count + 1, time: entry.time, participant: entry.participant, event: entry.event, previous: link)
        let digest = SHA256.hash(data: Array(body.utf8))
        let line = body + AuditLineFormat.tail(hash: Hex.string(digest), signature: Hex.string(try! signer.sign(digest)))
        link = Hex.string(SHA256.hash(data: Array(line.utf8)))
        result.append(line)
    }
    return result
}
