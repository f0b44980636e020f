import Federation
import Foundation

/// The first line of every ledger file: what the file is and whose it is, so a budget never
/// reads another site's ledger (or some other JSON-lines file) as its own.
struct PrivacyLedgerHeader: Sendable, Hashable, Codable {
    static let formatName = "cohort-privacy-ledger"
    static let currentVersion = 1

    var format: String
    var version: Int
    var site: SiteID
    var createdAt: Date

    init(site: SiteID, createdAt: Date) {
        format = Self.formatName
        version = Self.currentVersion
        self.site = site
        self.createdAt = createdAt
    }
}
