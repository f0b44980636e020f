import Crypto
import Federation

/// The model values an update carries off a site, measured for the trail: bytes and
/// SHA-256 over the change, then every other vector the algorithm sent in name order
/// (SCAFFOLD's `control_delta`, Lockdown's `mask`), each as little-endian float32 (the
/// in-memory layout on every platform Cohort runs on).
public struct UpdatePayload: Hashable, Sendable {
    public var bytes: Int
    public var sha256: String

    public init(_ update: SiteUpdate) {
        var hasher = SHA256()
        var bytes = 0
        for vector in [update.delta] + update.vectors.keys.sorted().map({ update.vectors[$0]! }) {
            vector.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            bytes += vector.count * MemoryLayout<Float>.size
        }
        self.bytes = bytes
        sha256 = Hex.string(hasher.finalize())
    }
}
