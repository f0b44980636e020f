import Crypto
import Foundation
import Studies
import X509
import Yams

/// `cohort provision`'s operations on a consortium directory. Every operation either
/// completes or leaves the directory as it found it: files are built beside their final
/// place and moved in last.
public struct Provisioner: Sendable {
    /// Validity of issued certificates, in days.
    public var days: Int
    public var now: Date

    public init(days: Int = 365, now: Date = Date()) {
        self.days = days
        self.now = now
    }

    /// What `initialize` created.
    public struct Consortium: Sendable {
        public var directory: ConsortiumDirectory
        public var coordinatorKit: URL
        public var siteKits: [String: URL]
    }

    /// A new consortium: its CA, the coordinator's kit and one kit per site.
    public func initialize(
        consortium: String, at root: URL, coordinatorHost: String, coordinatorPort: Int,
        sites: [String], minimumSites: Int? = nil
    ) throws -> Consortium {
        guard Naming.isValid(consortium) else { throw ProvisioningError("consortium name '\(consortium)' is not valid: \(Naming.rule)") }
        guard (1...65_535).contains(coordinatorPort) else { throw ProvisioningError("--coordinator-port must be 1-65535, got \(coordinatorPort)") }
        guard !coordinatorHost.isEmpty, !coordinatorHost.contains(where: \.isWhitespace) else {
            throw ProvisioningError("--coordinator-host must be a host name or IP address, got '\(coordinatorHost)'")
        }
        try Self.checkSiteNames(sites)
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: root.path) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: root.path)) ?? ["?"]
            guard contents.isEmpty else {
                throw ProvisioningError("\(root.path) already exists and is not empty; provision a new consortium into a new directory")
            }
        }
        let parent = root.standardizedFileURL.deletingLastPathComponent()
        guard fileManager.fileExists(atPath: parent.path) else {
            throw ProvisioningError("the parent directory \(parent.path) does not exist")
        }
        let staging = parent.appendingPathComponent(".\(root.lastPathComponent).partial-\(UInt32.random(in: .min ... .max))")
        defer { try? fileManager.removeItem(at: staging) }
        let layout = ConsortiumDirectory(staging)
        try makeDirectory(layout.authority, private: true)

        let authority = try CertificateAuthority.create(consortium: consortium, days: max(days, 3650), now: now)
        try FileWriting.write(PEMFiles.text(of: authority.privateKey), to: layout.caKey, mode: FileWriting.privateMode)
        try FileWriting.write(PEMFiles.text(of: authority.certificate), to: layout.caCertificate)
        let address = Self.address(host: coordinatorHost, port: coordinatorPort)
        try FileWriting.write(
            """
            # Written by cohort provision init; read by add-site for new site kits.
            consortium: \(consortium)
            coordinator: \(address)
            coordinator_port: \(coordinatorPort)

            """, to: layout.settings)
        var register = IssuedCertificates()
        let revocations = try RevocationList(consortium: consortium, issuedAt: now).signedText(by: authority)
        try FileWriting.write(revocations, to: layout.revocations)

        // The coordinator's kit.
        try makeDirectory(layout.coordinatorKit, private: true)
        let coordinatorKey = P256.Signing.PrivateKey()
        let coordinatorIdentity = ParticipantIdentity.coordinator(of: consortium)
        var hosts = [coordinatorHost]
        for local in ["localhost", "127.0.0.1"] where !hosts.contains(local) { hosts.append(local) }
        let coordinatorCertificate = try authority.issue(
            for: Certificate.PublicKey(coordinatorKey.publicKey), identity: coordinatorIdentity,
            hosts: hosts, days: days, now: now)
        register.record(coordinatorCertificate, identity: coordinatorIdentity, at: now)
        let kit = layout.coordinatorKit
        try FileWriting.write(PEMFiles.text(of: coordinatorKey), to: kit.appendingPathComponent(KitFile.coordinatorKey), mode: FileWriting.privateMode)
        try FileWriting.write(PEMFiles.text(of: coordinatorCertificate), to: kit.appendingPathComponent(KitFile.coordinatorCertificate))
        try FileWriting.write(PEMFiles.text(of: authority.certificate), to: kit.appendingPathComponent(KitFile.caCertificate))
        try FileWriting.write(revocations, to: kit.appendingPathComponent(KitFile.revocations))
        try FileWriting.write(
            StartupKit.coordinatorConfig(
                coordinatorHost: coordinatorHost, port: coordinatorPort,
                minimumSites: minimumSites ?? max(1, sites.count), sites: sites),
            to: kit.appendingPathComponent(KitFile.coordinatorConfig))
        try KitGovernance.writeAuditFiles(into: kit)

        try makeDirectory(layout.sites, private: false)
        for site in sites {
            let certificate = try writeSiteKit(site, at: layout.siteKit(site), authority: authority, coordinator: address)
            register.record(certificate, identity: .site(site, in: consortium), at: now)
        }
        try FileWriting.write(register.text(), to: layout.issued)

        try fileManager.moveItem(at: staging, to: root)
        let final = ConsortiumDirectory(root)
        return Consortium(
            directory: final, coordinatorKit: final.coordinatorKit,
            siteKits: Dictionary(uniqueKeysWithValues: sites.map { ($0, final.siteKit($0)) }))
    }

    /// A kit for a new site: one new key and certificate; nothing else changes.
    public func addSite(_ name: String, to root: URL) throws -> URL {
        try Self.checkSiteNames([name])
        let layout = ConsortiumDirectory(root)
        let authority = try loadAuthority(layout)
        let settings = try ConsortiumSettings.load(from: layout.settings)
        let target = layout.siteKit(name)
        var register = try IssuedCertificates.load(from: layout.issued)
        guard !FileManager.default.fileExists(atPath: target.path), register.sites(named: name).isEmpty else {
            throw ProvisioningError("site '\(name)' already has a certificate (\(target.path)); revoke it first or choose another name")
        }
        try makeDirectory(layout.sites, private: false)
        let staging = layout.sites.appendingPathComponent(".\(name).partial-\(UInt32.random(in: .min ... .max))")
        defer { try? FileManager.default.removeItem(at: staging) }
        let certificate = try writeSiteKit(name, at: staging, authority: authority, coordinator: settings.coordinator)
        register.record(certificate, identity: .site(name, in: authority.consortium), at: now)
        try FileWriting.write(register.text(), to: layout.issued)
        try FileManager.default.moveItem(at: staging, to: target)
        return target
    }

    /// The site's side of the CSR flow: a new key (it stays in `kit`) and a signing request
    /// to send to the consortium operator, plus the site's config and governance files (the
    /// audit key, the policy template and the steward's key), as in a kit the operator makes.
    public static func makeSigningRequest(site name: String, kit: URL, coordinator: String?) throws -> URL {
        try checkSiteNames([name])
        let key = kit.appendingPathComponent(KitFile.siteKey)
        let request = kit.appendingPathComponent(KitFile.siteRequest)
        guard !FileManager.default.fileExists(atPath: key.path) else {
            throw ProvisioningError("\(key.path) already exists; a site makes its key once (remove it to start over)")
        }
        if !FileManager.default.fileExists(atPath: kit.path) {
            try makeDirectory(kit, private: true)
        }
        let privateKey = P256.Signing.PrivateKey()
        let signing = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(name) },
            privateKey: Certificate.PrivateKey(privateKey), attributes: CertificateSigningRequest.Attributes())
        let config = kit.appendingPathComponent(KitFile.siteConfig)
        try FileWriting.write(PEMFiles.text(of: privateKey), to: key, mode: FileWriting.privateMode)
        try FileWriting.write(PEMFiles.text(of: signing), to: request)
        if !FileManager.default.fileExists(atPath: config.path) {
            try FileWriting.write(StartupKit.siteConfig(coordinator: coordinator ?? "COORDINATOR_HOST:PORT"), to: config)
        }
        try KitGovernance.writeSiteFiles(site: name, into: kit)
        return request
    }

    /// The operator's side of the CSR flow: a certificate for the request's site, written to
    /// `output` (default: `site.crt` beside the request) with the CA certificate beside it.
    public func sign(request url: URL, with root: URL, output: URL?) throws -> (certificate: URL, identity: ParticipantIdentity) {
        let layout = ConsortiumDirectory(root)
        let authority = try loadAuthority(layout)
        let request = try PEMFiles.signingRequest(at: url)
        var register = try IssuedCertificates.load(from: layout.issued)
        let (certificate, identity) = try authority.sign(request, days: days, now: now)
        let name = identity.commonName
        let revoked = (try? RevocationList.load(from: layout.revocations, issuer: authority.certificate))?.entries.map(\.serial) ?? []
        if register.sites(named: name).contains(where: { !revoked.contains($0.serial) && $0.notAfter > now }) {
            throw ProvisioningError("site '\(name)' already holds a valid certificate; revoke it first (cohort provision revoke \(name) --ca \(root.path))")
        }
        let target = output ?? url.deletingLastPathComponent().appendingPathComponent(KitFile.siteCertificate)
        register.record(certificate, identity: identity, at: now)
        try FileWriting.write(PEMFiles.text(of: certificate), to: target)
        let caCopy = target.deletingLastPathComponent().appendingPathComponent(KitFile.caCertificate)
        if !FileManager.default.fileExists(atPath: caCopy.path) {
            try FileWriting.write(PEMFiles.text(of: authority.certificate), to: caCopy)
        }
        try FileWriting.write(register.text(), to: layout.issued)
        return (target, identity)
    }

    /// Revokes every certificate issued to site `name`: the CA's list is re-signed, and
    /// copied into the coordinator's kit when it is in this directory.
    public func revoke(site name: String, in root: URL, reason: String) throws -> [String] {
        let layout = ConsortiumDirectory(root)
        let authority = try loadAuthority(layout)
        let register = try IssuedCertificates.load(from: layout.issued)
        let issued = register.sites(named: name)
        guard !issued.isEmpty else { throw ProvisioningError("no certificate was issued to a site named '\(name)' (see \(layout.issued.path))") }
        var list =
            FileManager.default.fileExists(atPath: layout.revocations.path)
            ? try RevocationList.load(from: layout.revocations, issuer: authority.certificate)
            : RevocationList(consortium: authority.consortium)
        let known = Set(list.entries.map(\.serial))
        let fresh = issued.filter { !known.contains($0.serial) }
        guard !fresh.isEmpty else { throw ProvisioningError("site '\(name)' has no certificate left to revoke") }
        for entry in fresh {
            list.entries.append(RevocationList.Entry(serial: entry.serial, site: name, revokedAt: now, reason: reason))
        }
        list.issuedAt = now
        list.sequence += 1
        let text = try list.signedText(by: authority)
        try FileWriting.write(text, to: layout.revocations)
        if FileManager.default.fileExists(atPath: layout.coordinatorKit.path) {
            try FileWriting.write(text, to: layout.coordinatorKit.appendingPathComponent(KitFile.revocations))
        }
        return fresh.map(\.serial)
    }

    // MARK: Helpers

    func loadAuthority(_ layout: ConsortiumDirectory) throws -> CertificateAuthority {
        guard FileManager.default.fileExists(atPath: layout.authority.path) else {
            throw ProvisioningError("\(layout.root.path) is not a consortium directory (no ca/ folder); create one with cohort provision init")
        }
        let certificate = try PEMFiles.certificate(at: layout.caCertificate, what: "CA certificate")
        let key = try PEMFiles.privateKey(at: layout.caKey, what: "CA key")
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw ProvisioningError("CA key \(layout.caKey.path) does not belong to CA certificate \(layout.caCertificate.path)")
        }
        guard certificate.notValidAfter > now else {
            throw ProvisioningError("CA certificate \(layout.caCertificate.path) expired on \(Timestamp.format(certificate.notValidAfter))")
        }
        let settings = try ConsortiumSettings.load(from: layout.settings)
        return CertificateAuthority(consortium: settings.consortium, certificate: certificate, privateKey: key)
    }

    private func writeSiteKit(_ name: String, at kit: URL, authority: CertificateAuthority, coordinator: String) throws -> Certificate {
        try Self.makeDirectory(kit, private: true)
        let key = P256.Signing.PrivateKey()
        let certificate = try authority.issue(
            for: Certificate.PublicKey(key.publicKey), identity: .site(name, in: authority.consortium),
            days: days, now: now)
        try FileWriting.write(PEMFiles.text(of: key), to: kit.appendingPathComponent(KitFile.siteKey), mode: FileWriting.privateMode)
        try FileWriting.write(PEMFiles.text(of: certificate), to: kit.appendingPathComponent(KitFile.siteCertificate))
        try FileWriting.write(PEMFiles.text(of: authority.certificate), to: kit.appendingPathComponent(KitFile.caCertificate))
        try FileWriting.write(StartupKit.siteConfig(coordinator: coordinator), to: kit.appendingPathComponent(KitFile.siteConfig))
        try KitGovernance.writeSiteFiles(site: name, into: kit)
        return certificate
    }

    private func makeDirectory(_ url: URL, private isPrivate: Bool) throws {
        try Self.makeDirectory(url, private: isPrivate)
    }

    static func makeDirectory(_ url: URL, private isPrivate: Bool) throws {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true,
                attributes: [.posixPermissions: isPrivate ? 0o700 : 0o755])
        } catch {
            throw ProvisioningError("cannot create \(url.path): \(error.localizedDescription)")
        }
    }

    static func checkSiteNames(_ names: [String]) throws {
        var seen = Set<String>()
        for name in names {
            guard Naming.isValid(name), name != "coordinator" else {
                throw ProvisioningError("site name '\(name)' is not valid: \(Naming.rule), and not 'coordinator'")
            }
            guard seen.insert(name).inserted else { throw ProvisioningError("site '\(name)' is listed twice") }
        }
    }

    /// `host:port`, with IPv6 literals bracketed.
    static func address(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// `ca/consortium.yaml`.
struct ConsortiumSettings {
    var consortium: String
    var coordinator: String

    static func load(from url: URL) throws -> ConsortiumSettings {
        let text = try FileWriting.readText(url, what: "consortium settings")
        guard let node = try? Yams.load(yaml: text) as? [String: Any],
            let consortium = node["consortium"] as? String, let coordinator = node["coordinator"] as? String
        else {
            throw ProvisioningError("\(url.path) must hold 'consortium' and 'coordinator' (written by cohort provision init)")
        }
        return ConsortiumSettings(consortium: consortium, coordinator: coordinator)
    }
}
