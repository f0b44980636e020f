/// A position in a participant's audit trail and the hash of the entry there, as it reached
/// another party: a site's head travels with each update and evaluation, the coordinator's
/// with each training task, and each side records the other's on its own trail. A trail cut
/// back to an earlier state, or rewritten and signed again with the key beside it, no longer
/// matches what the other party witnessed (`cohort audit verify --witnessed-by`).
public struct TrailHead: Hashable, Sendable, Codable, CustomStringConvertible {
    /// 1-based position of the entry.
    public var sequence: Int
    /// The entry's `hash` field: 64 lowercase hex digits.
    public var entryHash: String

    /// Nil unless `sequence` is a position (1 or more) and `entryHash` 64 lowercase hex
    /// digits: a head from the network is checked before anyone records it.
    public init?(sequence: Int, entryHash: String) {
        guard sequence >= 1, entryHash.utf8.count == 64,
            entryHash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        self.sequence = sequence
        self.entryHash = entryHash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sequence = try container.decode(Int.self, forKey: .sequence)
        let hash = try container.decode(String.self, forKey: .entryHash)
        guard let head = TrailHead(sequence: sequence, entryHash: hash) else {
            throw DecodingError.dataCorruptedError(forKey: .entryHash, in: container, debugDescription: "not a trail head: \(sequence):\(hash)")
        }
        self = head
    }

    public var description: String { "\(sequence):\(entryHash)" }
}

/// A site's trail head as the coordinator received it in a round.
public struct WitnessedHead: Hashable, Sendable, Codable {
    public var site: SiteID
    public var head: TrailHead

    public init(site: SiteID, head: TrailHead) {
        self.site = site
        self.head = head
    }
}
