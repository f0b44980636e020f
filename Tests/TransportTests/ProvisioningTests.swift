import CohortTestSupport
import Compliance
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import Yams

@testable import Transport

@Suite("Provisioning")
struct ProvisioningTests {
    @Test("init writes a CA, a coordinator kit and one kit per site; keys are private")
    func initialize() throws {
        let test = try TestConsortium(sites: ["alpha", "beta"])
        defer { test.remove() }
        let layout = test.layout
        for file in [layout.caKey, layout.caCertificate, layout.issued, layout.revocations, layout.settings] {
            #expect(FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent)")
        }
        #expect(!PEMFiles.isExposed(layout.caKey))
        #expect(!PEMFiles.isExposed(layout.siteKit("alpha").appendingPathComponent(KitFile.siteKey)))
        let alpha = try test.siteCredentials("alpha")
        #expect(alpha.identity == .site("alpha", in: "test"))
        #expect(alpha.certificate.issuer == alpha.authority.subject)
        let coordinator = try test.coordinatorCredentials()
        #expect(coordinator.identity == .coordinator(of: "test"))
        let names = try coordinator.certificate.extensions.subjectAlternativeNames.map(Array.init) ?? []
        #expect(names.contains(.dnsName("localhost")))
        #expect(try IssuedCertificates.load(from: layout.issued).entries.count == 3)
        // The kits' configs load as they are.
        let site = try SiteConfig.load(layout.siteKit("beta").appendingPathComponent(KitFile.siteConfig))
        #expect(site.coordinator == NetworkAddress(host: "127.0.0.1", port: 7443))
        let config = try CoordinatorConfig.load(test.consortium.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig))
        #expect(config.listen.port == 7443)
    }

    @Test("adding a site signs one certificate and changes no other participant's files")
    func addSite() throws {
        let test = try TestConsortium(sites: ["alpha", "beta"])
        defer { test.remove() }
        let before = try Self.snapshot(test.root, excluding: ["ca/issued.tsv"])
        let kit = try Provisioner().addSite("gamma", to: test.root)
        let after = try Self.snapshot(test.root, excluding: ["ca/issued.tsv"])
        let changed = after.filter { before[$0.key] != $0.value }.keys.sorted()
        #expect(changed.allSatisfy { $0.hasPrefix("sites/gamma/") }, "\(changed)")
        #expect(before.allSatisfy { after[$0.key] == $0.value })
        let gamma = try Credentials(kit: .site(kit))
        #expect(gamma.identity == .site("gamma", in: "test"))
        #expect(throws: ProvisioningError.self) { try Provisioner().addSite("gamma", to: test.root) }
    }

    @Test("a site's own key and CSR: the CA signs the request, the key never leaves the site")
    func signingRequest() throws {
        let test = try TestConsortium(sites: [])
        defer { test.remove() }
        let kit = test.directory.path("delta-kit")
        let request = try Provisioner.makeSigningRequest(site: "delta", kit: kit, coordinator: "127.0.0.1:7443")
        let keyBefore = try Data(contentsOf: kit.appendingPathComponent(KitFile.siteKey))
        let (certificate, identity) = try Provisioner().sign(request: request, with: test.root, output: nil)
        #expect(identity == .site("delta", in: "test"))
        #expect(try Data(contentsOf: kit.appendingPathComponent(KitFile.siteKey)) == keyBefore)
        #expect(certificate == kit.appendingPathComponent(KitFile.siteCertificate))
        let credentials = try Credentials(kit: .site(kit))
        #expect(credentials.identity == identity)
        // The CA never saw the key: nothing under the consortium directory holds it.
        let keyText = String(decoding: keyBefore, as: UTF8.self)
        for (_, contents) in try Self.snapshot(test.root, excluding: []) { #expect(!contents.contains(keyText)) }
        // Signing again while the first certificate is valid is refused.
        #expect(throws: ProvisioningError.self) { try Provisioner().sign(request: request, with: test.root, output: nil) }
    }

    @Test("a tampered signing request is refused")
    func tamperedRequest() throws {
        let test = try TestConsortium(sites: [])
        defer { test.remove() }
        let request = try Provisioner.makeSigningRequest(site: "mallory", kit: test.directory.path("kit"), coordinator: nil)
        // Rename the requested site after it was signed: the signature no longer matches.
        var serializer = DER.Serializer()
        try serializer.serialize(try PEMFiles.signingRequest(at: request))
        var der = serializer.serializedBytes
        let name: [UInt8] = Array("mallory".utf8)
        var found: Int?
        for start in 0...(der.count - name.count) where Array(der[start..<(start + name.count)]) == name { found = start }
        let at = try #require(found)
        der[at + name.count - 1] = UInt8(ascii: "z")
        let forged = try CertificateSigningRequest(derEncoded: der)
        #expect(forged.subject.commonName == "mallorz")
        let authority = try Provisioner().loadAuthority(test.layout)
        let error = #expect(throws: ProvisioningError.self) { try authority.sign(forged, days: 30) }
        #expect(error?.description.contains("does not verify") == true)
    }

    @Test("revocation re-signs the list; a tampered list is refused")
    func revocation() throws {
        let test = try TestConsortium(sites: ["alpha", "beta"])
        defer { test.remove() }
        let serials = try Provisioner().revoke(site: "beta", in: test.root, reason: "laptop stolen")
        #expect(serials == [try test.siteCredentials("beta").certificate.serialHex])
        let authority = try PEMFiles.certificate(at: test.layout.caCertificate)
        let list = try RevocationList.load(from: test.layout.revocations, issuer: authority)
        #expect(list.revocation(of: try test.siteCredentials("beta").certificate)?.reason == "laptop stolen")
        #expect(list.revocation(of: try test.siteCredentials("alpha").certificate) == nil)
        let copy = try String(contentsOf: test.consortium.coordinatorKit.appendingPathComponent(KitFile.revocations), encoding: .utf8)
        #expect(copy == (try String(contentsOf: test.layout.revocations, encoding: .utf8)))
        let tampered = copy.replacingOccurrences(of: "laptop stolen", with: "nothing at all")
        #expect(throws: ProvisioningError.self) { try RevocationList.verified(tampered, issuer: authority, source: "test") }
        #expect(throws: ProvisioningError.self) { try Provisioner().revoke(site: "beta", in: test.root, reason: "again") }
    }

    @Test("bad input: a non-empty directory, bad names, a missing CA; nothing is written half-way")
    func badInput() throws {
        let test = try TestConsortium(sites: ["alpha"])
        defer { test.remove() }
        let error = #expect(throws: ProvisioningError.self) {
            try Provisioner().initialize(consortium: "x", at: test.root, coordinatorHost: "h", coordinatorPort: 1, sites: [])
        }
        #expect(error?.description.contains("not empty") == true)
        let fresh = test.directory.path("fresh")
        #expect(throws: ProvisioningError.self) {
            try Provisioner().initialize(consortium: "x", at: fresh, coordinatorHost: "h", coordinatorPort: 1, sites: ["Bad Name"])
        }
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: test.directory.url.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
        #expect(throws: ProvisioningError.self) { try Provisioner().addSite("beta", to: test.directory.path("nowhere")) }
        #expect(throws: ProvisioningError.self) { try Provisioner().addSite("Beta!", to: test.root) }
    }

    @Test("credentials: unreadable key, wrong key, expired certificate, foreign CA: one line naming the file")
    func credentialProblems() throws {
        let test = try TestConsortium(sites: ["alpha", "beta"])
        defer { test.remove() }
        let alpha = test.layout.siteKit("alpha")
        let beta = test.layout.siteKit("beta")
        let missing = #expect(throws: ProvisioningError.self) {
            try Credentials(
                certificate: alpha.appendingPathComponent("site.crt"), key: alpha.appendingPathComponent("nope.key"),
                authority: alpha.appendingPathComponent("ca.crt"))
        }
        #expect(missing?.description.contains("nope.key") == true)
        let garbage = test.directory.path("garbage.key")
        try "not a key".write(to: garbage, atomically: true, encoding: .utf8)
        let unreadable = #expect(throws: ProvisioningError.self) {
            try Credentials(certificate: alpha.appendingPathComponent("site.crt"), key: garbage, authority: alpha.appendingPathComponent("ca.crt"))
        }
        #expect(unreadable?.description.contains("garbage.key") == true)
        #expect(throws: ProvisioningError.self) {
            try Credentials(
                certificate: alpha.appendingPathComponent("site.crt"), key: beta.appendingPathComponent("site.key"),
                authority: alpha.appendingPathComponent("ca.crt"))
        }
        let expired = try Provisioner(days: 1, now: Date().addingTimeInterval(-3 * 86_400)).addSite("old", to: test.root)
        let error = #expect(throws: ProvisioningError.self) { try Credentials(kit: .site(expired)) }
        #expect(error?.description.contains("expired") == true)
        let other = try TestConsortium(name: "other", sites: ["alpha"])
        defer { other.remove() }
        #expect(throws: ProvisioningError.self) {
            try Credentials(
                certificate: alpha.appendingPathComponent("site.crt"), key: alpha.appendingPathComponent("site.key"),
                authority: other.layout.caCertificate)
        }
    }

    @Test("site kits hold the audit key, an empty audit/, the policy template and the steward's keys; the coordinator's its audit key")
    func governedKits() throws {
        let test = try TestConsortium(sites: ["alpha"])
        defer { test.remove() }
        let added = try Provisioner().addSite("beta", to: test.root)
        let requested = test.directory.path("gamma-kit")
        _ = try Provisioner.makeSigningRequest(site: "gamma", kit: requested, coordinator: "127.0.0.1:7443")
        for (site, kit) in [("alpha", test.layout.siteKit("alpha")), ("beta", added), ("gamma", requested)] {
            try Self.expectAuditFiles(in: kit)
            let stewardKey = kit.appendingPathComponent(KitFile.stewardKey)
            let steward = try AuditKeyFile.readPrivateKey(at: stewardKey.path)
            #expect(try AuditKeyFile.readPublicKey(stewardKey.path + ".pub").rawRepresentation == steward.publicKey.rawRepresentation, "\(site)")
            // The template parses as written, names the site, and holds the documented defaults.
            let policy = try PolicyDirectory(kit.appendingPathComponent(KitFile.policyDirectory)).policy()
            #expect(policy.site == site)
            #expect(policy.allowedModels == ["logistic", "mlp"])
            #expect(policy.minRowsPerUpdate == 20)
            #expect(policy.differentialPrivacy == nil && policy.maxParameters == nil && policy.allowedCoordinators.isEmpty)
            #expect(!policy.requireSecureAggregation)
            let template = try String(contentsOf: kit.appendingPathComponent(KitFile.sitePolicy), encoding: .utf8)
            for key in [
                "site", "steward", "allowed_models", "max_parameters", "require_secure_aggregation", "differential_privacy",
                "required", "max_epsilon", "delta", "min_rows_per_update", "allowed_coordinators"
            ] {
                let line = template.split(separator: "\n").first { $0.drop { $0 == " " || $0 == "#" }.hasPrefix(key + ":") }
                #expect(line?.contains(" # ") == true, "\(site): key \(key) is missing from the template or has no comment")
            }
            // site.yaml's governance blocks, as SiteConfig reads them, name files of the kit.
            let config = try Self.yaml(kit.appendingPathComponent(KitFile.siteConfig))
            #expect(config["audit"] as? [String: String] == ["directory": "audit", "key": "keys/audit.key"])
            #expect(config["policy"] as? [String: String] == ["directory": "policy", "steward_key": "steward/steward.key.pub"])
            #expect(FileManager.default.fileExists(atPath: kit.appendingPathComponent("steward/steward.key.pub").path))
        }
        let coordinator = test.consortium.coordinatorKit
        try Self.expectAuditFiles(in: coordinator)
        #expect(!FileManager.default.fileExists(atPath: coordinator.appendingPathComponent(KitFile.stewardDirectory).path))
        let config = try Self.yaml(coordinator.appendingPathComponent(KitFile.coordinatorConfig))
        #expect(config["audit"] as? [String: String] == ["directory": "audit", "key": "keys/audit.key"])
    }

    @Test("a CSR kit's governance files are made once: a second request keeps the keys and the steward's edited policy")
    func requestKeepsGovernance() throws {
        let test = try TestConsortium(sites: [])
        defer { test.remove() }
        let kit = test.directory.path("delta-kit")
        _ = try Provisioner.makeSigningRequest(site: "delta", kit: kit, coordinator: nil)
        let policy = kit.appendingPathComponent(KitFile.sitePolicy)
        let edited = try String(contentsOf: policy, encoding: .utf8).replacingOccurrences(of: "min_rows_per_update: 20", with: "min_rows_per_update: 50")
        try edited.write(to: policy, atomically: true, encoding: .utf8)
        let keys = try [KitFile.auditKey, KitFile.stewardKey].map { try Data(contentsOf: kit.appendingPathComponent($0)) }
        try FileManager.default.removeItem(at: kit.appendingPathComponent(KitFile.siteKey))
        _ = try Provisioner.makeSigningRequest(site: "delta", kit: kit, coordinator: nil)
        #expect(try String(contentsOf: policy, encoding: .utf8) == edited)
        #expect(try [KitFile.auditKey, KitFile.stewardKey].map { try Data(contentsOf: kit.appendingPathComponent($0)) } == keys)
    }

    @Test("every private key provision writes is 0600: TLS, CA, audit and steward keys, from init, add-site and csr")
    func privateKeyModes() throws {
        let test = try TestConsortium(sites: ["alpha", "beta"])
        defer { test.remove() }
        _ = try Provisioner().addSite("gamma", to: test.root)
        _ = try Provisioner.makeSigningRequest(site: "delta", kit: test.root.appendingPathComponent("delta-kit"), coordinator: nil)
        var keys: [String: Int] = [:]
        let enumerator = FileManager.default.enumerator(at: test.root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            // A private key is known by its content, whatever its name.
            guard try String(contentsOf: url, encoding: .utf8).contains("PRIVATE KEY-----") else { continue }
            let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
            keys[String(url.standardizedFileURL.path.dropFirst(test.root.standardizedFileURL.path.count + 1))] = mode
        }
        let sites = ["alpha", "beta", "gamma"].flatMap { ["sites/\($0)/site.key", "sites/\($0)/keys/audit.key", "sites/\($0)/steward/steward.key"] }
        let expected =
            [
                "ca/ca.key", "coordinator/coordinator.key", "coordinator/keys/audit.key",
                "delta-kit/site.key", "delta-kit/keys/audit.key", "delta-kit/steward/steward.key"
            ] + sites
        #expect(keys.keys.sorted() == expected.sorted())
        for (path, mode) in keys { #expect(mode == 0o600, "\(path) has mode \(String(mode ?? 0, radix: 8))") }
    }

    @Test(
        "coordinator.yaml listens on the loopback address for a loopback host, on every interface (and says so) otherwise",
        arguments: [
            ("127.0.0.1", "127.0.0.1:7443"), ("localhost", "127.0.0.1:7443"), ("LocalHost", "127.0.0.1:7443"),
            ("127.0.0.2", "127.0.0.2:7443"), ("::1", "[::1]:7443"),
            ("coordinator.example.org", "0.0.0.0:7443"), ("10.0.0.5", "0.0.0.0:7443"), ("2001:db8::1", "0.0.0.0:7443"),
            ("128.0.0.1", "0.0.0.0:7443")
        ])
    func listenAddress(host: String, listen: String) throws {
        let text = StartupKit.coordinatorConfig(coordinatorHost: host, port: 7443, minimumSites: 1)
        let config = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(config["listen"] as? String == listen)
        // The suggested lane, uncommented, is the same address at the next port.
        let lane = try #require(text.split(separator: "\n").first { $0.hasPrefix("# vector_lane: ") })
        let uncommented = try #require(try Yams.load(yaml: String(lane.dropFirst(2))) as? [String: Any])
        #expect(uncommented["vector_lane"] as? String == listen.replacingOccurrences(of: ":7443", with: ":7444"))
        let everyInterface = text.contains("listens on every network interface")
        #expect(everyInterface == listen.hasPrefix("0.0.0.0"))
    }

    @Test(
        "a kit provisioned for a loopback host listens there, and its configs (IPv6 addresses quoted) load as written",
        arguments: ["127.0.0.1", "::1"])
    func loopbackKit(host: String) throws {
        let test = try TestConsortium(sites: ["alpha"], host: host)
        defer { test.remove() }
        let config = try CoordinatorConfig.load(test.consortium.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig))
        #expect(config.listen == NetworkAddress(host: host, port: 7443))
        let site = try SiteConfig.load(test.layout.siteKit("alpha").appendingPathComponent(KitFile.siteConfig))
        #expect(site.coordinator == NetworkAddress(host: host, port: 7443))
        #expect(site.audit?.key.path.hasSuffix("sites/alpha/keys/audit.key") == true)
        #expect(site.policy?.stewardKey.path.hasSuffix("sites/alpha/steward/steward.key.pub") == true)
    }

    /// `keys/audit.key` (0600, readable by `AuditKeyFile`), its `.pub`, and an empty `audit/`.
    static func expectAuditFiles(in kit: URL) throws {
        let key = kit.appendingPathComponent(KitFile.auditKey)
        let audit = try AuditKeyFile.readPrivateKey(at: key.path)
        #expect(try AuditKeyFile.readPublicKey(key.path + ".pub").rawRepresentation == audit.publicKey.rawRepresentation, "\(kit.lastPathComponent)")
        var isDirectory: ObjCBool = false
        let trail = kit.appendingPathComponent(KitFile.auditDirectory)
        #expect(FileManager.default.fileExists(atPath: trail.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try FileManager.default.contentsOfDirectory(atPath: trail.path).isEmpty)
    }

    static func yaml(_ url: URL) throws -> [String: Any] {
        try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    }

    /// Relative path -> contents of every file under `root`.
    static func snapshot(_ root: URL, excluding: Set<String>) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            guard !excluding.contains(relative) else { continue }
            result[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        return result
    }
}
