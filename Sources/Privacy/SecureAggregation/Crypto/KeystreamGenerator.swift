import Crypto

/// A cryptographically secure random number generator: the AES-256-CTR keystream of a
/// 256-bit key (a CTR-mode DRBG without reseeding). With a key from the operating system's
/// CSPRNG its output is unpredictable; with a key derived from a test seed it is reproducible.
///
/// It is buffered: a system call per draw (`SystemRandomNumberGenerator` on Linux) would make
/// stochastic rounding of 10^5 coordinates cost tens of milliseconds.
struct KeystreamGenerator: RandomNumberGenerator, Sendable {
    private let key: SymmetricKey
    private var nextBlock: UInt64 = 0
    private var buffer: [UInt64] = []
    private var position = 0
    private static let bufferByteCount = 4096

    init(key: SymmetricKey) {
        self.key = key
    }

    mutating func next() -> UInt64 {
        if position == buffer.count { refill() }
        defer { position += 1 }
        return buffer[position]
    }

    /// 32 fresh bytes (a secret seed or a private key).
    mutating func bytes32() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word = next()
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(i)))) }
        }
        return bytes
    }

    private mutating func refill() {
        let count = Self.bufferByteCount / 8
        buffer = [UInt64](unsafeUninitializedCapacity: count) { words, initialized in
            var offset = 0
            AESKeystream.generate(key: key, firstBlock: nextBlock, byteCount: Self.bufferByteCount) { raw in
                for i in 0..<raw.count / 8 {
                    words[offset + i] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                }
                offset += raw.count / 8
            }
            initialized = count
        }
        nextBlock += UInt64(Self.bufferByteCount / 16)
        position = 0
    }
}
