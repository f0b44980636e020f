/// What verifying a trail found: how far it is intact, who signed it, and the first damage.
public struct AuditVerification: Hashable, Sendable {
    /// Complete lines in the file (a torn tail is not counted).
    public var entries: Int
    /// Entries from the start that verified; all of them when the trail is intact.
    public var verifiedEntries: Int
    /// The trail's writer, from its first entry.
    public var participant: String?
    public var role: ParticipantRole?
    /// The key that signed the trail, hex.
    public var publicKey: String?
    public var certificateFingerprint: String?
    /// Whether the key was given by the verifier (pinned) rather than read from the trail.
    /// An unpinned trail proves only that it is unaltered since its own first entry.
    public var keyPinned: Bool
    public var signaturesChecked: Int
    /// The last verified entry.
    public var head: AuditAnchor?
    public var damage: AuditDamage?
    /// SHA-256 of the last verified line, hex: what the next entry's `prev` must be.
    var headLink: String

    public var isIntact: Bool { damage == nil }
}
