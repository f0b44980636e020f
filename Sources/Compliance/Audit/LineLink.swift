import Crypto

/// SHA-256 of a whole trail line, held inline (32 bytes, no allocation): the value the next
/// entry's `prev` field must spell.
struct LineLink: Hashable, Sendable {
    var bytes: SIMD32<UInt8>

    /// Before the first entry: all zeros.
    static let genesis = LineLink(bytes: .zero)

    init(bytes: SIMD32<UInt8>) { self.bytes = bytes }

    init(_ digest: SHA256.Digest) {
        bytes = digest.withUnsafeBytes { $0.loadUnaligned(as: SIMD32<UInt8>.self) }
    }

    var hex: String { withUnsafeBytes(of: bytes) { Hex.string($0) } }
}
