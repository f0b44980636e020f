/// Scans of float32 vectors by bit pattern, in branch-free blocks: every update the
/// coordinator receives is scanned for NaN and infinity (and a Lockdown mask for values
/// other than 0 and 1) by the transport as it arrives and again by the core's checks. The
/// scans read values in memory or little-endian wire bytes, so one implementation serves both.
public enum FloatScan {
    /// The index of the first NaN or infinity in `values`.
    public static func firstNonFinite(in values: UnsafeBufferPointer<Float>) -> Int? {
        firstMatch(words: UnsafeRawBufferPointer(values), littleEndian: false, flag: nonFiniteFlag)
    }

    /// The index of the first NaN or infinity among the little-endian float32 values in `raw`
    /// (its length a multiple of 4; a trailing partial value is ignored).
    public static func firstNonFinite(inLittleEndian raw: UnsafeRawBufferPointer) -> Int? {
        firstMatch(words: raw, littleEndian: true, flag: nonFiniteFlag)
    }

    /// The index of the first value other than 0 (either sign) and 1 in `values`.
    public static func firstNonBinary(in values: UnsafeBufferPointer<Float>) -> Int? {
        firstMatch(words: UnsafeRawBufferPointer(values), littleEndian: false, flag: nonBinaryFlag)
    }

    /// `firstNonBinary` over little-endian float32 wire bytes.
    public static func firstNonBinary(inLittleEndian raw: UnsafeRawBufferPointer) -> Int? {
        firstMatch(words: raw, littleEndian: true, flag: nonBinaryFlag)
    }

    // MARK: Bit tests

    /// Non-zero exactly when all exponent bits are set (infinity or NaN): adding one to the
    /// exponent field carries into the sign bit only from all ones.
    @inline(__always)
    private static func nonFiniteFlag(_ bits: UInt32) -> UInt32 { ((bits & 0x7F80_0000) &+ 0x0080_0000) & 0x8000_0000 }

    /// Zero exactly for ±0 (magnitude zero) and 1.0 (0x3F800000).
    @inline(__always)
    private static func nonBinaryFlag(_ bits: UInt32) -> UInt32 { min(bits & 0x7FFF_FFFF, bits ^ 0x3F80_0000) }

    /// Words per block: the flags of a block are OR-ed without branches (which the compiler
    /// vectorizes, about 4x a scalar early-exit loop), and only a block that flags something
    /// is searched word by word, so the answer is the first index.
    private static let blockWords = 1024

    @inline(__always)
    private static func firstMatch(words raw: UnsafeRawBufferPointer, littleEndian: Bool, flag: (UInt32) -> UInt32) -> Int? {
        guard let base = raw.baseAddress else { return nil }
        let count = raw.count / 4
        @inline(__always) func word(_ index: Int) -> UInt32 {
            // Through the base pointer with wrapping offsets: bounds and overflow checks in
            // the loop would stop it from being vectorized; `index < count` holds throughout.
            let bits = base.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
            return littleEndian ? UInt32(littleEndian: bits) : bits
        }
        var start = 0
        while start < count {
            let end = min(count, start + blockWords)
            var flags: UInt32 = 0
            for index in start..<end { flags |= flag(word(index)) }
            if flags != 0 {
                for index in start..<end where flag(word(index)) != 0 { return index }
            }
            start = end
        }
        return nil
    }
}
