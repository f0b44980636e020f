import Foundation
import NIOCore

/// The frames of the vector lane (coordinator.proto, "The vector lane"): a 16-byte header
/// (type, vector number, two zero bytes, payload length u32 LE, value offset u64 LE) and the
/// payload. Sixteen bytes keep every payload 4-byte aligned in the stream, so a receiver
/// can hand values over straight from the buffers TLS decrypts into, without regrouping them.
enum LaneFrame {
    enum Kind: UInt8 {
        case request = 1, values, end, receipt, refused
    }

    static let headerBytes = 16
    /// The most bytes a REQUEST, RECEIPT or REFUSED payload may hold (an UpdateHeader or a
    /// reason is far smaller).
    static let largestMessage = 64 << 10

    /// A REQUEST, RECEIPT or REFUSED frame.
    static func message(_ kind: Kind, _ payload: Data) -> ByteBuffer {
        precondition(kind != .values && payload.count <= largestMessage)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(headerBytes + payload.count)
        writeHeader(kind, vector: 0, length: payload.count, offset: 0, into: &buffer)
        buffer.writeBytes(payload)
        return buffer
    }

    static func end() -> ByteBuffer {
        var buffer = ByteBuffer()
        writeHeader(.end, vector: 0, length: 0, offset: 0, into: &buffer)
        return buffer
    }

    /// A VALUES frame holding `vector.values[range]`, the vector at `index` of its transfer:
    /// one copy, from the array into the frame.
    static func values(of vector: TaskVector, at index: Int, _ range: Range<Int>) -> ByteBuffer {
        let length = range.count * VectorBytes.bytesPerValue
        var buffer = ByteBuffer()
        buffer.reserveCapacity(headerBytes + length)
        writeHeader(.values, vector: laneCode(index), length: length, offset: range.lowerBound, into: &buffer)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
            vector.values.withUnsafeBufferPointer { VectorBytes.encode($0, range, into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<length])) }
            return length
        }
        return buffer
    }

    /// The VALUES frames of `vectors` in order, each of at most `chunkBytes` of values, encoded
    /// one at a time as they are taken (a download or upload holds one frame, not a vector).
    static func values(of vectors: [TaskVector], chunkBytes: Int) -> some Sequence<ByteBuffer> {
        VectorChunks.pieces(of: vectors, chunkBytes: chunkBytes).lazy.map { values(of: vectors[$0.vector], at: $0.vector, $0.range) }
    }

    /// Vectors are numbered by their place in the transfer (the task's, or the upload
    /// header's, announced order), from 1: names travel in the messages, not in every frame.
    static let largestVectorCount = Int(UInt8.max)

    static func laneCode(_ index: Int) -> UInt8 {
        precondition(index >= 0 && index < largestVectorCount, "a lane transfer holds at most \(largestVectorCount) vectors")
        return UInt8(index + 1)
    }

    private static func writeHeader(_ kind: Kind, vector: UInt8, length: Int, offset: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(kind.rawValue)
        buffer.writeInteger(vector)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(UInt32(length), endianness: .little)
        buffer.writeInteger(UInt64(offset), endianness: .little)
    }
}

/// What a lane reader hands out: whole messages, and values in pieces of whole float32s as
/// they arrive (a 1 MiB VALUES frame comes as the 16 KiB records TLS decrypts).
enum LaneEvent {
    case request(Data)
    /// Values of the vector at `vector` in the transfer's announced order.
    case values(vector: Int, offset: Int, bytes: ByteBuffer)
    case end
    case receipt(Data)
    case refused(String)
}

/// The lane's peer broke its protocol, or the connection broke.
struct LaneError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
