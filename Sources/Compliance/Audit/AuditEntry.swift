import Foundation

/// One entry of a trail as read back: the event with its place in the chain.
public struct AuditEntry: Hashable, Sendable {
    public var sequence: Int
    /// Millisecond precision, UTC.
    public var time: Date
    /// The participant whose trail this is.
    public var participant: String
    public var event: AuditEvent
    /// SHA-256 of the previous line, hex.
    public var previous: String
    /// SHA-256 of this entry's body, hex: what the signature covers.
    public var hash: String
    public var signature: String
    /// The line exactly as stored, for exports an auditor can check entry by entry.
    public var line: String

    public var anchor: AuditAnchor { AuditAnchor(sequence: sequence, hash: hash) }
    /// The time as the trail writes it.
    public var timestamp: String { AuditTimestamp.string(time) }
}

/// Reads one stored line back into an entry.
enum AuditLineDecoder {
    private struct Line: Decodable {
        var seq: Int
        var time: String
        var by: String
        var event: String
        var study: String?
        var round: Int?
        var site: String?
        var data: AuditFields
        var prev: String
        var hash: String
        var sig: String
    }

    static func entry(_ line: String) throws(AuditLineError) -> AuditEntry {
        let decoded: Line
        do {
            decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
        } catch {
            throw AuditLineError(reason: "not a trail entry (\(error))")
        }
        guard let kind = AuditEventKind(rawValue: decoded.event) else { throw AuditLineError(reason: "unknown event type '\(decoded.event)'") }
        guard let time = AuditTimestamp.date(decoded.time) else { throw AuditLineError(reason: "bad time '\(decoded.time)'") }
        let event: AuditEvent
        do {
            event = try AuditEvent(AuditEventLayout(kind: kind, study: decoded.study, round: decoded.round, site: decoded.site, fields: decoded.data))
        } catch {
            throw AuditLineError(reason: error.description)
        }
        return AuditEntry(
            sequence: decoded.seq, time: time, participant: decoded.by, event: event, previous: decoded.prev,
            hash: decoded.hash, signature: decoded.sig, line: line)
    }
}

struct AuditLineError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
