/// When appended entries reach stable storage.
///
/// `everyEntry` is the safe default: `append` returns only after fdatasync, so an entry that
/// was acknowledged survives a crash or power loss. Its cost is the disk's flush latency
/// (`cohort audit bench` measures it). `batched` is group commit: entries are written at
/// once (a crash of the process loses nothing, the kernel has them) and flushed together when
/// `entries` are pending or `interval` has passed, so a power loss can lose at most that
/// window. `unsynced` leaves flushing to the operating system: for benchmarks and tests.
public enum AuditDurability: Hashable, Sendable, CustomStringConvertible {
    case everyEntry
    case batched(entries: Int, interval: Duration)
    case unsynced

    public var description: String {
        switch self {
        case .everyEntry: "every-entry"
        case .batched(let entries, let interval): "batched:\(entries)/\(interval)"
        case .unsynced: "unsynced"
        }
    }
}
