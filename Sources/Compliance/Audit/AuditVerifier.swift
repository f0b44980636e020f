import Crypto
import Dispatch
import Foundation

/// Checks a trail: every entry's hash, number and link to the line before, and signatures.
///
/// Why one signature is enough: each entry's `prev` is SHA-256 of the whole previous line,
/// and its `hash` covers `prev`, so the last entry's hash commits to every byte of every
/// earlier line. Verifying that one signature under the trusted key (and recomputing every
/// hash and link, which is cheap) therefore authenticates the whole trail: changing,
/// removing, adding or moving anything breaks a link unless every later hash is recomputed,
/// and then the last signature fails, because only the key's holder can sign. Every entry is
/// still signed when written, so whatever a crash leaves, its last entry carries a signature.
///
/// Where the last signature fails (a rewritten tail), the first bad signature is found by
/// bisection: signatures are good up to the first rewritten entry and bad after it.
/// `.all` checks every signature instead (in parallel), for auditors who want no argument.
///
/// What no file can show alone: a trail cut back to an earlier intact state. Pass an
/// `anchor` recorded elsewhere (the coordinator's copy of a site's head, a report) to catch it.
public struct AuditVerifier: Sendable {
    public enum SignatureCheck: String, Sendable, CaseIterable {
        /// The last verified entry's signature (bisection when it fails).
        case head
        /// Every entry's signature.
        case all
    }

    /// The key the trail must be signed with; nil takes the key the trail's first entry names.
    public var trustedKey: Curve25519.Signing.PublicKey?
    public var signatures: SignatureCheck
    public var anchor: AuditAnchor?
    /// Threads for the hash chain (and `.all` signatures); the chain splits at line boundaries.
    public var threads: Int

    public init(
        trustedKey: Curve25519.Signing.PublicKey? = nil, signatures: SignatureCheck = .head, anchor: AuditAnchor? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.trustedKey = trustedKey
        self.signatures = signatures
        self.anchor = anchor
        self.threads = max(1, threads)
    }

    /// Verifies the trail at `url`, mapped read-only; throws only when it cannot be read.
    public func verify(at url: URL) throws(AuditError) -> AuditVerification {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(path: url.path) }
        do {
            let data = try Data(contentsOf: url, options: .alwaysMapped)
            return verify(data)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    public func verify(_ data: Data) -> AuditVerification {
        data.withUnsafeBytes { verify(TrailBytes($0)) }
    }

    func verify(_ trail: TrailBytes) -> AuditVerification {
        var result = AuditVerification(
            entries: trail.count, verifiedEntries: 0, keyPinned: trustedKey != nil, signaturesChecked: 0,
            headLink: AuditLineFormat.genesisLink)
        guard trail.count > 0 else {
            result.damage = AuditDamage(
                entry: 1, kind: trail.tornTail == nil ? .empty : .tornTail,
                reason: trail.tornTail == nil ? "the trail holds no entry" : "the only line is incomplete (\(trail.tornTail!.count) bytes, no newline)")
            return result
        }

        var firstProblem = scanChain(trail)
        // The first entry must start the trail and name its key.
        var key = trustedKey
        if firstProblem?.index != 0 {
            switch try? AuditLineDecoder.entry(trail.text(0)).event {
            case .trailStarted(let participant, let role, let publicKeyHex, let fingerprint)?:
                result.participant = participant
                result.role = role
                result.publicKey = publicKeyHex
                result.certificateFingerprint = fingerprint
                let named = Hex.bytes(publicKeyHex).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
                if let trusted = trustedKey {
                    if named?.rawRepresentation != trusted.rawRepresentation {
                        firstProblem = (
                            0,
                            EntryCheck.Problem(
                                kind: .untrustedKey,
                                reason:
                                    "the trail names key \(publicKeyHex.prefix(16))..., not the trusted key \(Hex.string(trusted.rawRepresentation).prefix(16))..."
                            )
                        )
                    }
                } else if let named {
                    key = named
                } else {
                    firstProblem = (0, EntryCheck.Problem(kind: .missingStart, reason: "the first entry's public key is not an Ed25519 key"))
                }
            default:
                firstProblem = (0, EntryCheck.Problem(kind: .missingStart, reason: "the first entry is not a trail_started entry"))
            }
        }

        // A broken link means this line or the one before changed: the previous line's
        // signature tells which.
        if let problem = firstProblem, problem.problem.kind == .brokenLink, let key, problem.index > 0 {
            result.signaturesChecked += 1
            if !EntryCheck.signatureIsValid(trail.line(problem.index - 1), key: key) {
                firstProblem = (
                    problem.index - 1,
                    EntryCheck.Problem(
                        kind: .badSignature,
                        reason: "its signature does not verify (the entry was altered after the next one was written)")
                )
            }
        }

        var intact = firstProblem?.index ?? trail.count
        if let key, intact > 0 {
            let (checked, badIndex) = firstBadSignature(trail, upTo: intact, key: key)
            result.signaturesChecked += checked
            if let badIndex {
                firstProblem = (badIndex, EntryCheck.Problem(kind: .badSignature, reason: "its signature does not verify under the trail's key"))
                intact = badIndex
            }
        }

        if firstProblem == nil, let torn = trail.tornTail {
            firstProblem = (
                trail.count,
                EntryCheck.Problem(
                    kind: .tornTail,
                    reason: "\(torn.count) bytes after the last complete entry (a write cut short); nothing after entry \(trail.count) is trustworthy")
            )
        }
        if let anchor, anchor.sequence <= intact + 1 || firstProblem == nil {
            if anchor.sequence > trail.count, firstProblem == nil || firstProblem!.index >= trail.count {
                firstProblem = (
                    trail.count,
                    EntryCheck.Problem(
                        kind: .truncated,
                        reason: "the trail ends at entry \(trail.count) but entry \(anchor.sequence) was recorded elsewhere (entries were removed from the end)"
                    )
                )
            } else if anchor.sequence <= intact, storedHash(trail.line(anchor.sequence - 1)) != anchor.hash {
                firstProblem = (
                    anchor.sequence - 1,
                    EntryCheck.Problem(
                        kind: .anchorMismatch,
                        reason: "its hash differs from the one recorded elsewhere (the trail was rewritten from here or earlier)")
                )
                intact = anchor.sequence - 1
            }
        }

        result.verifiedEntries = min(intact, firstProblem?.index ?? intact)
        if let problem = firstProblem {
            result.damage = AuditDamage(entry: problem.index + 1, kind: problem.problem.kind, reason: problem.problem.reason)
        }
        if result.verifiedEntries > 0 {
            let last = result.verifiedEntries - 1
            result.head = AuditAnchor(sequence: last + 1, hash: storedHash(trail.line(last)))
            result.headLink = trail.link(last).hex
        }
        return result
    }

    /// The first line that fails its own checks or its link, scanning chunks in parallel.
    private func scanChain(_ trail: TrailBytes) -> (index: Int, problem: EntryCheck.Problem)? {
        let chunks = min(threads, max(1, trail.count / 4096))
        let size = (trail.count + chunks - 1) / chunks
        let found = ResultSlots<(index: Int, problem: EntryCheck.Problem)>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * size, end = min(trail.count, start + size)
            guard start < end else { return }
            var link = start == 0 ? LineLink.genesis : trail.link(start - 1)
            for index in start..<end {
                do throws(EntryCheck.Problem) {
                    link = try EntryCheck.check(trail.line(index), sequence: index + 1, previousLink: link)
                } catch {
                    found.set(chunk, (index, error))
                    return
                }
            }
        }
        return found.values.compactMap { $0 }.min { $0.index < $1.index }
    }

    /// Checks signatures of entries `0..<count`; returns how many it checked and the first bad one.
    private func firstBadSignature(_ trail: TrailBytes, upTo count: Int, key: Curve25519.Signing.PublicKey) -> (Int, Int?) {
        switch signatures {
        case .all:
            let chunks = min(threads, count)
            let size = (count + chunks - 1) / chunks
            let found = ResultSlots<Int>(count: chunks)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (chunk * size)..<min(count, chunk * size + size) where !EntryCheck.signatureIsValid(trail.line(index), key: key) {
                    found.set(chunk, index)
                    return
                }
            }
            return (count, found.values.compactMap { $0 }.min())
        case .head:
            var checked = 1
            guard !EntryCheck.signatureIsValid(trail.line(count - 1), key: key) else { return (checked, nil) }
            // Bisection: the first entry whose signature fails (good before, bad from there).
            var low = 0, high = count - 1
            while low < high {
                let middle = (low + high) / 2
                checked += 1
                if EntryCheck.signatureIsValid(trail.line(middle), key: key) { low = middle + 1 } else { high = middle }
            }
            return (checked, low)
        }
    }

    private func storedHash(_ line: UnsafeRawBufferPointer) -> String {
        let start = line.count - AuditLineFormat.tailLength + AuditLineFormat.hashKey.count
        guard start >= 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<(start + 64)]), as: UTF8.self)
    }
}
