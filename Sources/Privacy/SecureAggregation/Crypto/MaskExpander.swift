import Crypto

/// Expands a 256-bit key into a pseudorandom vector in Z_{2^32}^m (the AES-256-CTR keystream
/// read as little-endian words; Bonawitz et al.'s PRG) and adds or subtracts it in place.
///
/// The stream is consumed chunk by chunk as it is produced, so no mask vector is ever
/// materialized: one pass over the target per mask.
enum MaskExpander {
    enum Sign { case add, subtract }

    static func apply(key: SymmetricKey, _ sign: Sign, to target: UnsafeMutableBufferPointer<UInt32>) {
        var offset = 0
        AESKeystream.generate(key: key, byteCount: target.count * 4) { raw in
            let words = raw.count / 4
            let base = target.baseAddress! + offset
            switch sign {
            case .add:
                for i in 0..<words { base[i] &+= UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            case .subtract:
                for i in 0..<words { base[i] &-= UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            }
            offset += words
        }
    }

    static func apply(key: SymmetricKey, _ sign: Sign, to target: inout [UInt32]) {
        target.withUnsafeMutableBufferPointer { apply(key: key, sign, to: $0) }
    }
}
