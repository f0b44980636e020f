import Foundation

/// Which entries an export or a report covers: a time range, event types, sites, a study.
/// Empty sets mean "any".
public struct AuditFilter: Hashable, Sendable {
    /// Inclusive.
    public var from: Date?
    /// Exclusive.
    public var to: Date?
    public var kinds: Set<AuditEventKind>
    /// Matches the site an event is about, or the participant that wrote it.
    public var sites: Set<String>
    public var study: String?

    public init(from: Date? = nil, to: Date? = nil, kinds: Set<AuditEventKind> = [], sites: Set<String> = [], study: String? = nil) {
        self.from = from
        self.to = to
        self.kinds = kinds
        self.sites = sites
        self.study = study
    }

    public func matches(_ entry: AuditEntry) -> Bool {
        if let from, entry.time < from { return false }
        if let to, entry.time >= to { return false }
        if !kinds.isEmpty, !kinds.contains(entry.event.kind) { return false }
        if !sites.isEmpty, !(sites.contains(entry.participant) || entry.event.site.map(sites.contains) == true) { return false }
        if let study, entry.event.study != study { return false }
        return true
    }
}
