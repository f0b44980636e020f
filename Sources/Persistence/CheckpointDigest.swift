import Crypto
import Foundation

/// SHA-256 over a checkpoint exactly as stored: its state (JSON) and every part of every
/// vector, in (name, part) order with each name, part number and length framed in. A bit
/// flipped anywhere in a stored checkpoint changes it, so resuming refuses the checkpoint
/// instead of training on from a corrupted model (`SQLiteStudyStore.latestCheckpoint`).
///
/// It catches corruption (a failing disk, a stray write, a restored backup that is not
/// whole), not an attacker who can write the database: such a one can recompute it.
struct CheckpointDigest {
    private var hasher = SHA256()

    init(state: Data) {
        frame(Data("cohort-checkpoint/1".utf8))
        frame(state)
    }

    /// Parts must come in the order the store reads them back: by name (bytewise, as SQLite's
    /// BINARY collation orders them), then part number.
    mutating func add(vector name: String, part: Int, data: Data) {
        frame(Data(name.utf8))
        withUnsafeBytes(of: UInt64(part).littleEndian) { hasher.update(bufferPointer: $0) }
        frame(data)
    }

    /// Lowercase hex.
    func finish() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The length, then the bytes: no two sequences of fields hash alike.
    private mutating func frame(_ bytes: Data) {
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: bytes)
    }

    /// Orders vector names as SQLite's BINARY collation does (bytes of UTF-8).
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
