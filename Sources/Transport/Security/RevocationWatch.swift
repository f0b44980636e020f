import Foundation
import Synchronization
import X509

/// The revocation list in force at the coordinator. Each connection attempt checks whether
/// the file changed (a stat, no read) and reloads it if so; a replacement that does not
/// verify against the CA, or is older than the list in force (its sequence), is refused and
/// logged, and the list already in force stays. With a `RevocationMemory`, the newest list
/// accepted is remembered across restarts, and an older one is refused at start too.
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
    private let memory: RevocationMemory?
    private let state: Mutex<Loaded>

    /// Loads `file` (nil: nothing is revoked). A list that does not verify, or is older than
    /// the one `memory` recalls, is an error here, at start, rather than a silently weaker list.
    public init(file: URL?, authority: Certificate, consortium: String, log: EventLog, memory: RevocationMemory? = nil) throws {
        self.file = file
        self.authority = authority
        self.log = log
        self.memory = memory
        if let file {
            let list = try RevocationList.load(from: file, issuer: authority)
            guard list.consortium == consortium else {
                throw ProvisioningError("revocation list \(file.path) belongs to consortium \(list.consortium), not \(consortium)")
            }
            if let memory, let seen = try memory.recalled() {
                let newest = RevocationList(consortium: consortium, issuedAt: seen.issuedAt, sequence: seen.sequence)
                if list.isOlder(than: newest) {
                    throw ProvisioningError(
                        "revocation list \(file.path) is \(list.version), older than the \(newest.version) this coordinator accepted before (\(memory.file.path)): a stale copy would re-admit the sites revoked since; copy the consortium's latest list (kits/ca/revocations.txt)"
                    )
                }
            }
            try memory?.remember(list)
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
            guard !fresh.isOlder(than: list) else {
                throw ProvisioningError(
                    "it is \(fresh.version), older than the list in force (\(list.version)); a stale copy would re-admit the sites revoked since")
            }
            state.withLock { $0 = Loaded(list: fresh, stamp: stamp) }
            log.info("revocation-list-reloaded", ["file": file.path, "revoked": "\(fresh.entries.count)", "sequence": "\(fresh.sequence)"])
            do { try memory?.remember(fresh) } catch {
                log.error("revocation-memory-not-written", ["file": memory?.file.path ?? "-", "reason": "\(error)"])
            }
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
