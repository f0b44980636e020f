/// Why a trail could not be opened, read or extended. Every case names the file and says what
/// to do, in one line.
public enum AuditError: Error, Hashable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case alreadyExists(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case inUse(path: String)
    /// Someone else changed the file while this process held it.
    case changedOnDisk(path: String, expectedBytes: Int, actualBytes: Int)
    /// The trail is damaged: it can be read and verified, never extended.
    case damaged(path: String, damage: AuditDamage)
    /// The trail was written with another key than the one offered to extend it.
    case wrongSigner(path: String, trailKey: String, offeredKey: String)
    case closed(path: String)
    case signingFailed(String)
    case keyUnreadable(path: String, reason: String)
    case keyExists(path: String)
    /// `recover` only sets aside a torn last line; other damage needs a person.
    case notRecoverable(path: String, damage: AuditDamage)

    public var description: String {
        switch self {
        case .missing(let path): "audit trail \(path) does not exist"
        case .alreadyExists(let path): "audit trail \(path) already exists; open it instead of creating it"
        case .unreadable(let path, let reason): "cannot read audit trail \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write audit trail \(path): \(reason)"
        case .inUse(let path): "audit trail \(path) is open in another process (locked)"
        case .changedOnDisk(let path, let expected, let actual):
            "audit trail \(path) changed on disk while open (\(expected) bytes expected, \(actual) found); stop and verify it"
        case .damaged(let path, let damage):
            "audit trail \(path) is damaged at entry \(damage.entry): \(damage.reason); it opens read-only (run cohort audit verify)"
        case .wrongSigner(let path, let trailKey, let offeredKey):
            "audit trail \(path) is signed by key \(trailKey.prefix(16))..., not by the offered key \(offeredKey.prefix(16))..."
        case .closed(let path): "audit trail \(path) is closed"
        case .signingFailed(let reason): "cannot sign an audit entry: \(reason)"
        case .keyUnreadable(let path, let reason): "cannot use key \(path): \(reason)"
        case .keyExists(let path): "key \(path) already exists; refusing to overwrite it (it may have signed trails)"
        case .notRecoverable(let path, let damage):
            "audit trail \(path) is damaged at entry \(damage.entry) (\(damage.reason)); only a torn last line can be set aside, this needs investigation"
        }
    }
}
