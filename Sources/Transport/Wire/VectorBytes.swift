import Foundation

/// Float vectors as they travel: little-endian IEEE-754 float32, the bytes of the values
/// themselves on every platform Cohort runs on (a copy, no per-value conversion).
enum VectorBytes {
    static let bytesPerValue = 4

    /// The bytes of `values[range]`.
    static func encode(_ values: UnsafeBufferPointer<Float>, _ range: Range<Int>) -> Data {
        #if _endian(little)
        return Data(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: values[range])))
        #else
        var data = Data(count: range.count * bytesPerValue)
        data.withUnsafeMutableBytes { raw in
            for (offset, index) in range.enumerated() {
                raw.storeBytes(of: values[index].bitPattern.littleEndian, toByteOffset: offset * bytesPerValue, as: UInt32.self)
            }
        }
        return data
        #endif
    }

    /// Writes the values in `bytes` into `target` starting at `offset`.
    static func decode(_ bytes: Data, into target: UnsafeMutableBufferPointer<Float>, at offset: Int) {
        let count = bytes.count / bytesPerValue
        precondition(offset + count <= target.count, "chunk past the end of its vector")
        bytes.withUnsafeBytes { raw in
            #if _endian(little)
            UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(target)[(offset * bytesPerValue)...])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * bytesPerValue)]))
            #else
            for index in 0..<count {
                target[offset + index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * bytesPerValue, as: UInt32.self)))
            }
            #endif
        }
    }
}
