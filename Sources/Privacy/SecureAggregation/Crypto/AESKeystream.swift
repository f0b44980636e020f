import Crypto
import _CryptoExtras

/// AES-256 in counter mode as a keystream: block i of the stream is AES_k(i) with i a 128-bit
/// big-endian counter starting at 0. It is produced in chunks small enough to stay below
/// malloc's mmap threshold, so the chunk buffers are recycled rather than page-faulted in on
/// every call (fresh buffers over 128 KiB cost more than the cipher).
///
/// Every key used here is fresh per round and purpose (HKDF with the study and round in the
/// info), so a (key, counter) pair is never reused.
enum AESKeystream {
    static let chunkByteCount = 32 * 1024
    private static let zeros = [UInt8](repeating: 0, count: chunkByteCount)

    /// Calls `body` with consecutive keystream chunks covering `byteCount` bytes from block
    /// `firstBlock` on; each chunk's size is a multiple of 16 except possibly the last.
    static func generate(
        key: SymmetricKey, firstBlock: UInt64 = 0, byteCount: Int,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        precondition(key.bitCount == 256, "the keystream takes 256-bit keys")
        var produced = 0
        var block = firstBlock
        while produced < byteCount {
            let length = min(chunkByteCount, byteCount - produced)
            let nonce = try! AES._CTR.Nonce(nonceBytes: counterBlock(block))
            // The key size was checked above, the only way encryption can fail.
            let stream = try! AES._CTR.encrypt(zeros[0..<length], using: key, nonce: nonce)
            stream.withUnsafeBytes(body)
            produced += length
            block += UInt64(length / 16)
        }
    }

    /// The initial 16-byte counter block: zero in the top 64 bits, `block` big-endian below.
    private static func counterBlock(_ block: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[15 - i] = UInt8(truncatingIfNeeded: block >> (8 * UInt64(i))) }
        return bytes
    }
}
