/// The payload checksum of the wire protocol: a Fletcher-style sum over the float32 values'
/// bit patterns, in 8 interleaved lanes (value i goes to lane i mod 8; each lane keeps a
/// running sum `a` and a sum of running sums `b`, 64-bit, wrapping), folded into 64 bits at
/// the end with FNV-1a-style mixing. Order-sensitive, so a lost, repeated or misplaced chunk
/// changes it; computed at memory speed (SIMD), where SHA-256 cost a quarter of a round.
/// It is not a security measure: TLS authenticates every byte on the wire.
struct ValuesChecksum {
    private var a = SIMD8<UInt64>(repeating: 0)
    private var b = SIMD8<UInt64>(repeating: 0)
    private var count = 0

    init() {}

    /// Adds little-endian float32 values (`raw.count` a multiple of 4).
    mutating func update(_ raw: UnsafeRawBufferPointer) {
        let words = raw.count / 4
        var index = 0
        // One value at a time until the stream is lane-aligned.
        while index < words && count % 8 != 0 {
            add(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            index += 1
        }
        // Eight lanes at a time.
        let blockStart = index
        var a = self.a, b = self.b
        while index + 8 <= words {
            var block = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<UInt32>.self)
            #if _endian(big)
                for lane in 0..<8 { block[lane] = UInt32(littleEndian: block[lane]) }
            #endif
            a &+= SIMD8<UInt64>(truncatingIfNeeded: block)
            b &+= a
            index += 8
        }
        self.a = a
        self.b = b
        count += index - blockStart
        while index < words {
            add(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            index += 1
        }
    }

    mutating func update(_ values: [Float]) {
        values.withUnsafeBytes { update($0) }
    }

    private mutating func add(_ word: UInt32) {
        let lane = count % 8
        a[lane] &+= UInt64(word)
        b[lane] &+= a[lane]
        count += 1
    }

    func finish() -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            hash ^= value
            hash &*= 0x0000_0100_0000_01B3
            hash ^= hash >> 29
        }
        for lane in 0..<8 {
            mix(a[lane])
            mix(b[lane])
        }
        mix(UInt64(count))
        return hash
    }

    /// The checksum of `vectors` in order.
    static func of(_ vectors: [[Float]]) -> UInt64 {
        var checksum = ValuesChecksum()
        for vector in vectors { checksum.update(vector) }
        return checksum.finish()
    }
}
