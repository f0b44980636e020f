import Foundation
import X509

/// The CA's register of what it issued (`ca/issued.tsv`): one line per certificate, so an
/// operator can see who holds a valid certificate and `revoke NAME` can find its serials.
public struct IssuedCertificates: Sendable {
    public struct Entry: Hashable, Sendable {
        public var serial: String
        public var role: String
        public var name: String
        public var notAfter: Date
        public var issuedAt: Date
    }

    public private(set) var entries: [Entry]

    static let header = "# serial\trole\tname\tnot_after\tissued_at"

    public init(entries: [Entry] = []) { self.entries = entries }

    public static func load(from url: URL) throws -> IssuedCertificates {
        guard FileManager.default.fileExists(atPath: url.path) else { return IssuedCertificates() }
        let text = try FileWriting.readText(url, what: "issued-certificate register")
        var entries: [Entry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, let notAfter = Timestamp.parse(fields[3]), let issuedAt = Timestamp.parse(fields[4]) else {
                throw ProvisioningError("\(url.path):\(index + 1): expected serial, role, name, not_after, issued_at separated by tabs")
            }
            entries.append(Entry(serial: fields[0], role: fields[1], name: fields[2], notAfter: notAfter, issuedAt: issuedAt))
        }
        return IssuedCertificates(entries: entries)
    }

    public mutating func record(_ certificate: Certificate, identity: ParticipantIdentity, at now: Date = Date()) {
        entries.append(
            Entry(
                serial: certificate.serialHex, role: identity.site == nil ? "coordinator" : "site",
                name: identity.commonName, notAfter: certificate.notValidAfter, issuedAt: now))
    }

    public func text() -> String {
        ([Self.header]
            + entries.map {
                [$0.serial, $0.role, $0.name, Timestamp.format($0.notAfter), Timestamp.format($0.issuedAt)].joined(separator: "\t")
            }).joined(separator: "\n") + "\n"
    }

    public func sites(named name: String) -> [Entry] {
        entries.filter { $0.role == "site" && $0.name == name }
    }
}

/// ISO 8601 UTC timestamps, to the second, as every Cohort file writes them.
package enum Timestamp {
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
