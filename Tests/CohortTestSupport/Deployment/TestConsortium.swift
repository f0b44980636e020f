import Foundation
import Transport

/// A provisioned consortium in a temporary directory: CA, coordinator kit, site kits.
public struct TestConsortium {
    public let directory: TemporaryDirectory
    public let consortium: Provisioner.Consortium
    public let name: String

    public init(
        name: String = "test", sites: [String], host: String = "127.0.0.1", port: Int = 7443,
        provisioner: Provisioner = Provisioner()
    ) throws {
        directory = try TemporaryDirectory("consortium")
        self.name = name
        consortium = try provisioner.initialize(
            consortium: name, at: directory.path("consortium"), coordinatorHost: host,
            coordinatorPort: port, sites: sites)
    }

    public var layout: ConsortiumDirectory { consortium.directory }
    public var root: URL { layout.root }

    public func coordinatorCredentials() throws -> Credentials {
        try Credentials(kit: .coordinator(consortium.coordinatorKit))
    }

    public func siteCredentials(_ name: String) throws -> Credentials {
        try Credentials(kit: .site(layout.siteKit(name)))
    }

    public func remove() { directory.remove() }
}
