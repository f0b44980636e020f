import Crypto
import Dispatch
import Foundation
import Synchronization

/// A participant's append-only, hash-chained, signed audit trail (see `AuditLineFormat` for
/// the bytes and `AuditVerifier` for why they are tamper-evident).
///
///     let signer = AuditSigner(name: "site-a", role: .site, privateKey: try AuditKeyFile.readPrivateKey(at: "site-a.key"))
///     let trail = try AuditTrail.openOrCreate(at: url, signer: signer)
///     try trail.append(.roundStarted(study: "s1", round: 1, participants: ["site-a", "site-b"]))
///
/// Appending is synchronous and thread-safe (a mutex, not an actor) so the coordinator's
/// synchronous observer and any thread can log without awaiting. An existing trail is verified
/// before it is extended, with the signer's key pinned: a damaged trail is never extended
/// (it opens read-only through `AuditLog`), and never repaired silently (`recover` sets aside a
/// torn last line explicitly and logs that it did).
public final class AuditTrail: Sendable {
    public let path: String
    public let identity: AuditIdentity
    public let durability: AuditDurability
    private let signer: AuditSigner
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var file: AuditFile?
        var nextSequence: Int
        /// SHA-256 of the last line, hex: the next entry's `prev`.
        var link: String
        var lastHash: String
        var unsynced = 0
        /// A group commit that failed in the background, thrown by the next append.
        var syncFailure: AuditError?
        var stopped = false
    }

    /// Wakes the group-commit thread early when a batch is full.
    private let wake = DispatchSemaphore(value: 0)

    private init(path: String, signer: AuditSigner, durability: AuditDurability, file: sending AuditFile, nextSequence: Int, link: String, lastHash: String) {
        self.path = path
        self.signer = signer
        self.identity = signer.identity
        self.durability = durability
        state = Mutex(State(file: file, nextSequence: nextSequence, link: link, lastHash: lastHash))
        startFlusher()
    }

    deinit {
        wake.signal()
        state.withLock { state in
            state.stopped = true
            if state.unsynced > 0 { try? state.file?.sync() }
        }
    }

    /// Creates a new trail whose first entry names the signer, durable on return.
    public static func create(
        at url: URL, signer: AuditSigner, durability: AuditDurability = .everyEntry,
        now: Date = Date()
    ) throws(AuditError) -> AuditTrail {
        let file = try AuditFile.create(url.path)
        let trail = AuditTrail(
            path: url.path, signer: signer, durability: durability, file: file, nextSequence: 1,
            link: AuditLineFormat.genesisLink, lastHash: AuditLineFormat.genesisLink)
        let identity = signer.identity
        try trail.append(
            .trailStarted(
                participant: identity.name, role: identity.role, publicKey: identity.publicKeyHex,
                certificateFingerprint: identity.certificateFingerprint), at: now)
        try trail.sync()
        return trail
    }

    /// Opens an existing trail to extend it, after verifying all of it under the signer's key.
    public static func open(at url: URL, signer: AuditSigner, durability: AuditDurability = .everyEntry) throws(AuditError) -> AuditTrail {
        let file = try AuditFile.open(url.path)
        let verification = try AuditVerifier(trustedKey: signer.identity.publicKey).verify(at: url)
        if let damage = verification.damage {
            if damage.kind == .untrustedKey {
                throw .wrongSigner(path: url.path, trailKey: verification.publicKey ?? "?", offeredKey: signer.identity.publicKeyHex)
            }
            throw .damaged(path: url.path, damage: damage)
        }
        guard verification.participant == signer.identity.name, let head = verification.head else {
            throw .wrongSigner(path: url.path, trailKey: "\(verification.participant ?? "?")", offeredKey: signer.identity.name)
        }
        return AuditTrail(
            path: url.path, signer: signer, durability: durability, file: file, nextSequence: head.sequence + 1,
            link: verification.headLink, lastHash: head.hash)
    }

    /// Opens the trail at `url`, or creates it when there is no file yet.
    public static func openOrCreate(at url: URL, signer: AuditSigner, durability: AuditDurability = .everyEntry) throws(AuditError) -> AuditTrail {
        if FileManager.default.fileExists(atPath: url.path) { return try open(at: url, signer: signer, durability: durability) }
        return try create(at: url, signer: signer, durability: durability)
    }

    /// Sets aside a torn last line (moved, byte for byte, to `<trail>.torn-<time>`), then opens
    /// the trail and records what was set aside. Refuses any other damage: that needs a person.
    public static func recover(
        at url: URL, signer: AuditSigner, by person: String,
        durability: AuditDurability = .everyEntry, now: Date = Date()
    ) throws(AuditError) -> AuditTrail {
        let file = try AuditFile.open(url.path)
        let verification = try AuditVerifier(trustedKey: signer.identity.publicKey).verify(at: url)
        guard let damage = verification.damage else {
            return try reopen(file, url: url, signer: signer, durability: durability, verification: verification)
        }
        guard damage.kind == .tornTail, verification.verifiedEntries == verification.entries, let head = verification.head else {
            throw .notRecoverable(path: url.path, damage: damage)
        }
        let contents: Data
        do { contents = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: error.localizedDescription) }
        let keep = contents.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let torn = contents[keep...]
        let aside = url.path + ".torn-" + AuditTimestamp.string(now).replacingOccurrences(of: ":", with: "")
        guard FileManager.default.createFile(atPath: aside, contents: Data(torn), attributes: [.posixPermissions: 0o600]) else {
            throw .unwritable(path: aside, reason: "cannot save the torn bytes aside")
        }
        try AuditFile.syncDirectory(containing: aside)
        try file.truncate(to: keep)
        let trail = AuditTrail(
            path: url.path, signer: signer, durability: durability, file: file, nextSequence: head.sequence + 1,
            link: verification.headLink, lastHash: head.hash)
        try trail.append(.trailRecovered(discardedBytes: torn.count, discardedSHA256: Hex.string(SHA256.hash(data: torn)), by: person), at: now)
        try trail.sync()
        return trail
    }

    private static func reopen(
        _ file: sending AuditFile, url: URL, signer: AuditSigner, durability: AuditDurability,
        verification: AuditVerification
    ) throws(AuditError) -> AuditTrail {
        guard let head = verification.head else { throw .damaged(path: url.path, damage: AuditDamage(entry: 1, kind: .empty, reason: "no entries")) }
        return AuditTrail(
            path: url.path, signer: signer, durability: durability, file: file, nextSequence: head.sequence + 1,
            link: verification.headLink, lastHash: head.hash)
    }

    /// Appends `event`, signed and chained; with `.everyEntry`, durable on return. Returns the
    /// entry's anchor (number and hash), which another participant can keep as a witness.
    @discardableResult
    public func append(_ event: AuditEvent, at time: Date = Date()) throws(AuditError) -> AuditAnchor {
        try state.withLock { (state: inout State) throws(AuditError) -> AuditAnchor in
            guard let file = state.file else { throw .closed(path: path) }
            if let failure = state.syncFailure { throw failure }
            var body = AuditLineFormat.body(
                sequence: state.nextSequence, time: time, participant: identity.name, event: event,
                previous: state.link)
            var hasher = SHA256()
            body.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            let digest = hasher.finalize()
            let hash = Hex.string(digest)
            var tail = AuditLineFormat.tail(hash: hash, signature: Hex.string(try signer.sign(digest)))
            tail.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            // The hasher already holds the body: the line's link costs only the tail.
            var line = body + tail
            line.append("\n")
            try file.append(&line)
            state.link = LineLink(hasher.finalize()).hex
            state.lastHash = hash
            let anchor = AuditAnchor(sequence: state.nextSequence, hash: hash)
            state.nextSequence += 1
            state.unsynced += 1
            switch durability {
            case .everyEntry:
                try file.sync()
                state.unsynced = 0
            case .batched(let entries, _):
                // Group commit off the append path: the flusher thread syncs the batch.
                if state.unsynced % entries == 0 { wake.signal() }
            case .unsynced:
                break
            }
            return anchor
        }
    }

    /// Flushes everything appended to stable storage.
    public func sync() throws(AuditError) {
        try state.withLock { (state: inout State) throws(AuditError) in
            guard let file = state.file, state.unsynced > 0 else { return }
            try file.sync()
            state.unsynced = 0
        }
    }

    /// Syncs and releases the file (and its lock). Appending afterwards throws.
    public func close() throws(AuditError) {
        try sync()
        state.withLock { state in
            state.stopped = true
            state.file = nil
        }
        wake.signal()
    }

    /// The last entry written: what a witness records.
    public var head: AuditAnchor {
        state.withLock { AuditAnchor(sequence: $0.nextSequence - 1, hash: $0.lastHash) }
    }

    /// With `.batched`, a thread syncs pending entries when a batch fills or `interval` has
    /// passed, outside the lock, so appends never wait for the disk; a failed sync is kept and
    /// thrown by the next append.
    private func startFlusher() {
        guard case .batched(_, let interval) = durability else { return }
        let wake = self.wake
        let thread = Thread { [weak self] in
            while true {
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(interval / .nanoseconds(1))))
                guard let trail = self, !trail.flushPending() else { return }
            }
        }
        thread.name = "cohort-audit-group-commit"
        thread.start()
    }

    /// Syncs what is pending without holding the lock during the flush; returns whether the
    /// trail has stopped.
    private func flushPending() -> Bool {
        let pending = state.withLock { (state: inout State) -> (file: AuditFile, count: Int)?? in
            if state.stopped { return .some(nil) }
            guard let file = state.file, state.unsynced > 0 else { return nil }
            return (file, state.unsynced)
        }
        guard let pending else { return false }
        guard let (file, count) = pending else { return true }
        do throws(AuditError) {
            try file.sync()
            state.withLock { state in state.unsynced = max(0, state.unsynced - count) }
        } catch {
            state.withLock { $0.syncFailure = error }
        }
        return false
    }
}
