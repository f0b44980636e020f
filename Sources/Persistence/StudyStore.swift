import Federation
import Foundation

/// Where a coordinator keeps what it must not lose: the study it runs, the sites it has
/// seen, every completed round with its metrics, and the checkpoint after each round.
///
/// The coordinator writes a round's record and its checkpoint together (`saveRound`), in
/// one transaction: a crash at any moment leaves the store at the end of the last completed
/// round, from which `latestCheckpoint` resumes. SQLite (`SQLiteStudyStore`) is the embedded
/// default; another database implements this protocol.
public protocol StudyStore: Sendable {
    /// The study this store holds, if any.
    func study() throws -> StoredStudy?
    /// Records the study on first start. A store holding another study, or the same study
    /// with a different configuration, refuses (`StoreError.differentStudy`).
    func begin(_ study: StoredStudy) throws
    /// A completed round: its record (the checkpoint's last) and the checkpoint after it.
    func saveRound(_ checkpoint: CoordinatorCheckpoint) throws
    /// The checkpoint after the last completed round, or nil before the first.
    func latestCheckpoint() throws -> CoordinatorCheckpoint?
    /// Every completed round, in order.
    func rounds() throws -> [RoundRecord]
    /// Per-site and average metrics of evaluation rounds.
    func metrics(round: Int?) throws -> [StoredMetric]
    /// A site connected, disconnected or was refused.
    func recordSite(_ event: SiteEvent) throws
    func sites() throws -> [StoredSite]
    /// The study ended; `modelChecksum` identifies the final model.
    func finish(modelChecksum: String, at date: Date) throws
}

/// A study as stored: its identity, a fingerprint of everything that determines its result,
/// and the configuration for people to read.
public struct StoredStudy: Hashable, Sendable {
    public var id: String
    /// SHA-256 (hex) of the resolved configuration: equal fingerprints, same study.
    public var fingerprint: String
    /// The resolved configuration as JSON text.
    public var configuration: String
    public var createdAt: Date
    public var finishedAt: Date?
    public var modelChecksum: String?

    public init(
        id: String, fingerprint: String, configuration: String, createdAt: Date = Date(),
        finishedAt: Date? = nil, modelChecksum: String? = nil
    ) {
        self.id = id
        self.fingerprint = fingerprint
        self.configuration = configuration
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.modelChecksum = modelChecksum
    }
}

public struct StoredMetric: Hashable, Sendable {
    public var round: Int
    /// A site's name, or `average` / `weighted` for the means over sites.
    public var scope: String
    public var metric: String
    public var value: Double
}

/// Something that happened to a site's connection.
public struct SiteEvent: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case connected, disconnected, dead, refused, expelled
    }

    public var site: SiteID
    public var kind: Kind
    public var detail: String
    public var date: Date

    public init(site: SiteID, kind: Kind, detail: String = "", date: Date = Date()) {
        self.site = site
        self.kind = kind
        self.detail = detail
        self.date = date
    }
}

public struct StoredSite: Hashable, Sendable {
    public var site: SiteID
    public var firstSeen: Date
    public var lastSeen: Date
    public var lastEvent: String
    public var detail: String
}

public enum StoreError: Error, CustomStringConvertible, Sendable {
    case differentStudy(String)
    case corrupt(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .differentStudy(let text), .corrupt(let text), .unavailable(let text): text
        }
    }
}
