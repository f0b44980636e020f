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

    /// Writes `values[range]` as wire bytes at `destination` (which holds `range.count * 4`
    /// bytes): how the vector lane fills its frames without an intermediate copy.
    static func encode(_ values: UnsafeBufferPointer<Float>, _ range: Range<Int>, into destination: UnsafeMutableRawBufferPointer) {
        precondition(destination.count >= range.count * bytesPerValue, "destination too small")
        #if _endian(little)
            destination.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: values[range])))
        #else
            for (offset, index) in range.enumerated() {
                destination.storeBytes(of: values[index].bitPattern.littleEndian, toByteOffset: offset * bytesPerValue, as: UInt32.self)
            }
        #endif
    }

    /// Writes the values in `raw` (wire bytes) into `target` starting at `offset`.
    static func decode(_ raw: UnsafeRawBufferPointer, into target: UnsafeMutableBufferPointer<Float>, at offset: Int) {
        let count = raw.count / bytesPerValue
        precondition(offset + count <= target.count, "chunk past the end of its vector")
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
