import ArgumentParser
import Foundation
import Studies
import Transport

/// `cohort provision ...`: the consortium's certificates and startup kits.
struct ProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Create a consortium CA and startup kits; add, sign and revoke site certificates.",
        discussion: """
            init makes the CA and one kit per participant (key, certificate, CA certificate, config, \
            audit key; at a site also the data steward's policy template and approval key). \
            add-site signs one new certificate and touches no one else's. A site that keeps its key to \
            itself runs csr and sends only the request; the operator runs sign. revoke re-signs the \
            revocation list the coordinator checks at every connection.
            """,
        subcommands: [
            ProvisionInitCommand.self, ProvisionAddSiteCommand.self, ProvisionRequestCommand.self,
            ProvisionSignCommand.self, ProvisionRevokeCommand.self
        ]
    )
}

/// `cohort provision init`.
struct ProvisionInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a consortium: its CA, the coordinator's kit and one kit per site.")

    @Option(help: "Consortium name (lowercase letters, digits, '-', '_', '.').")
    var consortium: String

    @Option(help: "Directory to create (must not exist, or be empty).")
    var out: String

    @Option(name: .customLong("coordinator-host"), help: "Host name or IP address sites dial to reach the coordinator.")
    var coordinatorHost: String

    @Option(name: .customLong("coordinator-port"), help: "Port the coordinator listens on.")
    var coordinatorPort: Int = 7443

    @Option(help: "Sites to provision now, comma-separated (more can be added later with add-site).")
    var sites: String = ""

    @Option(name: .customLong("min-sites"), help: "Sites a round needs (default: all sites listed).")
    var minSites: Int?

    @Option(help: "Validity of the issued certificates, in days.")
    var days: Int = 365

    func run() throws {
        let names = sites.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let result = try deployment {
            try Provisioner(days: days).initialize(
                consortium: consortium, at: URL(fileURLWithPath: out), coordinatorHost: coordinatorHost,
                coordinatorPort: coordinatorPort, sites: names, minimumSites: minSites)
        }
        print("consortium \(consortium): CA in \(result.directory.authority.path) (keep ca.key offline)")
        print("coordinator kit: \(result.coordinatorKit.path)")
        for name in names { print("site kit \(name): \(result.siteKits[name]!.path)") }
        print("\n" + StewardSteps.plan(coordinatorKit: result.coordinatorKit))
        for name in names { print("\n" + StewardSteps.site(name, kit: result.siteKits[name]!)) }
    }
}

/// `cohort provision add-site NAME --ca DIR`.
struct ProvisionAddSiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-site", abstract: "Issue a startup kit for a new site; no other participant changes.")

    @Argument(help: "The new site's name.")
    var name: String

    @Option(help: "The consortium directory (from provision init).")
    var ca: String

    @Option(help: "Validity of the certificate, in days.")
    var days: Int = 365

    func run() throws {
        let kit = try deployment { try Provisioner(days: days).addSite(name, to: URL(fileURLWithPath: ca)) }
        print("site kit \(name): \(kit.path)")
        print("\n" + StewardSteps.site(name, kit: kit))
    }
}

/// `cohort provision csr --site NAME --out DIR`: run at the site.
struct ProvisionRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csr", abstract: "At a site: make the site's key and a certificate signing request; the key never leaves.")

    @Option(help: "This site's name.")
    var site: String

    @Option(help: "The site's kit directory (created if missing).")
    var out: String

    @Option(help: "The coordinator's host:port, written into the site's config.")
    var coordinator: String?

    func run() throws {
        let request = try deployment {
            try Provisioner.makeSigningRequest(site: site, kit: URL(fileURLWithPath: out), coordinator: coordinator)
        }
        print("key: \(URL(fileURLWithPath: out).appendingPathComponent(KitFile.siteKey).path) (stays here)")
        print("signing request: \(request.path) (send it to the consortium operator)")
        print("\n" + StewardSteps.site(site, kit: URL(fileURLWithPath: out)))
    }
}

/// `cohort provision sign --csr FILE --ca DIR`: run by the consortium operator.
struct ProvisionSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Issue a site certificate for a signing request.")

    @Option(help: "The site's signing request (site.csr).")
    var csr: String

    @Option(help: "The consortium directory.")
    var ca: String

    @Option(help: "Where to write the certificate (default: site.crt beside the request; ca.crt is written beside it).")
    var out: String?

    @Option(help: "Validity of the certificate, in days.")
    var days: Int = 365

    func run() throws {
        let (certificate, identity) = try deployment {
            try Provisioner(days: days).sign(
                request: URL(fileURLWithPath: csr), with: URL(fileURLWithPath: ca),
                output: out.map { URL(fileURLWithPath: $0) })
        }
        print("certificate for \(identity): \(certificate.path)")
    }
}

/// `cohort provision revoke NAME --ca DIR`.
struct ProvisionRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a site's certificates; the coordinator refuses them from its next connection.")

    @Argument(help: "The site whose certificates to revoke.")
    var name: String

    @Option(help: "The consortium directory.")
    var ca: String

    @Option(help: "Why (recorded in the list).")
    var reason: String = "revoked by the consortium operator"

    func run() throws {
        let serials = try deployment { try Provisioner().revoke(site: name, in: URL(fileURLWithPath: ca), reason: reason) }
        let layout = ConsortiumDirectory(URL(fileURLWithPath: ca))
        print("revoked \(serials.count) certificate(s) of \(name): \(serials.joined(separator: ", "))")
        print("revocation list: \(layout.revocations.path) (copy it to the coordinator if it runs elsewhere)")
    }
}

/// Runs a deployment operation, turning its errors into the CLI's one-line errors.
func deployment<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as ProvisioningError {
        throw CohortError(error.description)
    } catch let error as ConfigError {
        throw CohortError(error.description)
    } catch let error as SiteAgentError {
        throw CohortError(error.description)
    }
}
