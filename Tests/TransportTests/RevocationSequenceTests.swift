import CohortTestSupport
import Federation
import Foundation
import Testing
import X509

@testable import Transport

/// A validly signed but older revocation list copied back over the current one would admit
/// again the sites revoked since: the list carries its issue time and a sequence, and the
/// coordinator refuses an older one, while it runs and after a restart.
@Suite("Revocation list sequence", .serialized)
struct RevocationSequenceTests {
    @Test("every list the CA signs carries the next sequence and its issue time")
    func sequenceGrows() throws {
        let consortium = try TestConsortium(sites: ["north", "south"])
        defer { consortium.remove() }
        let authority = try consortium.coordinatorCredentials().authority
        let first = try RevocationList.load(from: consortium.layout.revocations, issuer: authority)
        #expect(first.sequence == 1)
        _ = try Provisioner().revoke(site: "north", in: consortium.root, reason: "laptop stolen")
        _ = try Provisioner().revoke(site: "south", in: consortium.root, reason: "left the consortium")
        let third = try RevocationList.load(from: consortium.layout.revocations, issuer: authority)
        #expect(third.sequence == 3)
        #expect(third.issuedAt >= first.issuedAt)
        #expect(try String(contentsOf: consortium.layout.revocations, encoding: .utf8).contains("\n# sequence: 3\n"))
        #expect(first.isOlder(than: third) && !third.isOlder(than: first))
    }

    @Test("an older list copied back is refused while running (logged, the newer one stays) and at the next start")
    func olderListRefused() throws {
        let consortium = try TestConsortium(sites: ["north", "south"])
        defer { consortium.remove() }
        let credentials = try consortium.coordinatorCredentials()
        let file = consortium.consortium.coordinatorKit.appendingPathComponent(KitFile.revocations)
        let memory = RevocationMemory(file: consortium.directory.path("coordinator.revocation-sequence"))
        let north = try PEMFiles.certificate(at: consortium.layout.siteKit("north").appendingPathComponent(KitFile.siteCertificate))
        let stale = try String(contentsOf: file, encoding: .utf8)  // sequence 1: nothing revoked

        _ = try Provisioner().revoke(site: "north", in: consortium.root, reason: "laptop stolen")
        let lines = LogLines()
        let watch = try RevocationWatch(
            file: file, authority: credentials.authority, consortium: consortium.name,
            log: lines.log("coordinator"), memory: memory)
        #expect(watch.current().revocation(of: north) != nil)
        #expect(try String(contentsOf: memory.file, encoding: .utf8).contains("sequence: 2"))
        #expect(try FileManager.default.attributesOfItem(atPath: memory.file.path)[.posixPermissions] as? Int == 0o600)

        // The CA's own, validly signed, older list copied over the current one.
        try stale.write(to: file, atomically: true, encoding: .utf8)
        #expect(watch.current().revocation(of: north) != nil, "north must stay revoked")
        let refusal = try #require(lines.all.first { $0.contains("revocation-list-refused") })
        #expect(refusal.contains("sequence 1") && refusal.contains("older than the list in force (sequence 2"), "\(refusal)")

        // A coordinator started again with the stale list in place refuses to start, naming both.
        let restart = #expect(throws: ProvisioningError.self) {
            _ = try RevocationWatch(file: file, authority: credentials.authority, consortium: consortium.name, log: .silent, memory: memory)
        }
        #expect(
            restart?.description.contains("is sequence 1") == true && restart?.description.contains("sequence 2") == true,
            "\(restart?.description ?? "")")

        // The current list again: accepted; a newer one after it too.
        try FileManager.default.copyItem(at: consortium.layout.revocations, to: consortium.directory.path("current.txt"))
        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: consortium.directory.path("current.txt"), to: file)
        let again = try RevocationWatch(file: file, authority: credentials.authority, consortium: consortium.name, log: .silent, memory: memory)
        _ = try Provisioner().revoke(site: "south", in: consortium.root, reason: "left")
        let south = try PEMFiles.certificate(at: consortium.layout.siteKit("south").appendingPathComponent(KitFile.siteCertificate))
        #expect(again.current().revocation(of: south) != nil)
        #expect(try String(contentsOf: memory.file, encoding: .utf8).contains("sequence: 3"))
    }
}
