import Foundation

extension Credentials {
    /// The credentials in a startup kit written by `cohort provision`, under their standard
    /// file names (`KitFile`).
    public enum Kit: Sendable {
        case coordinator(URL)
        case site(URL)
    }

    public init(kit: Kit, log: EventLog = .silent) throws {
        switch kit {
        case .coordinator(let folder):
            try self.init(
                certificate: folder.appendingPathComponent(KitFile.coordinatorCertificate),
                key: folder.appendingPathComponent(KitFile.coordinatorKey),
                authority: folder.appendingPathComponent(KitFile.caCertificate), log: log)
        case .site(let folder):
            try self.init(
                certificate: folder.appendingPathComponent(KitFile.siteCertificate),
                key: folder.appendingPathComponent(KitFile.siteKey),
                authority: folder.appendingPathComponent(KitFile.caCertificate), log: log)
        }
    }
}
