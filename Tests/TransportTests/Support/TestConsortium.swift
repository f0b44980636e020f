import Foundation
@testable import Transport

/// A provisioned consortium in a temporary directory: CA, coordinator kit, site kits.
struct TestConsortium {
    let directory: TemporaryDirectory
    let consortium: Provisioner.Consortium
    let name: String

    init(name: String = "test", sites: [String], host: String = "127.0.0.1", port: Int = 7443,
         provisioner: Provisioner = Provisioner()) throws {
        directory = try TemporaryDirectory("consortium")
        self.name = name
        consortium = try provisioner.initialize(consortium: name, at: directory.path("consortium"), coordinatorHost: host,
                                                coordinatorPort: port, sites: sites)
    }

    var layout: ConsortiumDirectory { consortium.directory }
    var root: URL { layout.root }

    func coordinatorCredentials() throws -> Credentials {
        try Credentials(kit: .coordinator(consortium.coordinatorKit))
    }

    func siteCredentials(_ name: String) throws -> Credentials {
        try Credentials(kit: .site(layout.siteKit(name)))
    }

    func remove() { directory.remove() }
}
