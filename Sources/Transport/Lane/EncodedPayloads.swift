import NIOCore
import Synchronization

/// The VALUES frames of the payload the coordinator is sending, encoded once and shared by
/// every site that downloads it: all sites of a round get the same global model, so one
/// encoding serves ten downloads (ByteBuffers are shared, not copied, when written). A payload
/// is recognised by the identity of its arrays' storage, held here so it cannot be reused
/// while the frames are, never by comparing values. Payloads above `largestShared` bytes are
/// encoded per download instead: keeping their frames would cost a model's worth of memory.
final class EncodedPayloads: Sendable {
    static let largestShared = 64 << 20

    private struct Entry {
        var vectors: [TaskVector]
        var frames: [ByteBuffer]
    }

    private let chunkBytes: Int
    private let latest = Mutex<Entry?>(nil)

    init(chunkBytes: Int) { self.chunkBytes = chunkBytes }

    /// The frames of `vectors`, END not included; nil when they are too large to share.
    func frames(of vectors: [TaskVector]) -> [ByteBuffer]? {
        let bytes = vectors.map(\.values.count).reduce(0, +) * VectorBytes.bytesPerValue
        guard bytes <= Self.largestShared else { return nil }
        return latest.withLock { latest in
            if let entry = latest, Self.sameStorage(entry.vectors, vectors) { return entry.frames }
            let frames = Array(LaneFrame.values(of: vectors, chunkBytes: chunkBytes))
            latest = Entry(vectors: vectors, frames: frames)
            return frames
        }
    }

    private static func sameStorage(_ a: [TaskVector], _ b: [TaskVector]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { left, right in
            left.kind == right.kind && left.values.count == right.values.count
                && left.values.withUnsafeBufferPointer { l in right.values.withUnsafeBufferPointer { r in l.baseAddress == r.baseAddress } }
        }
    }
}
