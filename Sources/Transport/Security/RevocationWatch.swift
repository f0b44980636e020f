import Foundation
import Synchronization
import X509

/// The revocation list in force at the coordinator. Each connection attempt checks whether
/// the file changed (a stat, no read) and reloads it if so; a replacement that does not
/// verify against the CA is refused and logged, and the list already in force stays.
public final class RevocationWatch: Sendable {
    private struct Loaded {
        var list: RevocationList
        var stamp: FileStamp?
    }

    private struct FileStamp: Equatable {
        var modified: Date
        var size: Int
    }

    private let file: URL?
    private let authority: Certificate
    private let log: EventLog
    private let state: Mutex<Loaded>

    /// Loads `file` (nil: nothing is revoked). A list that does not verify is an error here,
    /// at start, rather than a silently empty list.
    public init(file: URL?, authority: Certificate, consortium: String, log: EventLog) throws {
        self.file = file
        self.authority = authority
        self.log = log
        if let file {
            let list = try RevocationList.load(from: file, issuer: authority)
            guard list.consortium == consortium else {
                throw ProvisioningError("revocation list \(file.path) belongs to consortium \(list.consortium), not \(consortium)")
            }
            state = Mutex(Loaded(list: list, stamp: Self.stamp(of: file)))
        } else {
            state = Mutex(Loaded(list: RevocationList(consortium: consortium), stamp: nil))
        }
    }

    /// The list in force now, reloaded first if its file changed.
    public func current() -> RevocationList {
        guard let file else { return state.withLock { $0.list } }
        let stamp = Self.stamp(of: file)
        let (list, changed) = state.withLock { ($0.list, $0.stamp != stamp) }
        guard changed else { return list }
        do {
            let fresh = try RevocationList.load(from: file, issuer: authority)
            guard fresh.consortium == list.consortium else {
                throw ProvisioningError("it belongs to consortium \(fresh.consortium)")
            }
            state.withLock { $0 = Loaded(list: fresh, stamp: stamp) }
            log.info("revocation-list-reloaded", ["file": file.path, "revoked": "\(fresh.entries.count)"])
            return fresh
        } catch {
            state.withLock { $0.stamp = stamp }
            log.error("revocation-list-refused", ["file": file.path, "reason": "\(error)", "keeping": "\(list.entries.count) revoked"])
            return list
        }
    }

    private static func stamp(of file: URL) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path) else { return nil }
        return FileStamp(modified: attributes[.modificationDate] as? Date ?? .distantPast, size: attributes[.size] as? Int ?? -1)
    }
}
