import Federation
import Foundation
import NIOCore

/// Reads lane frames from a connection's buffers. Values are handed out as soon as whole
/// float32s of a VALUES frame are in, sliced from the buffer they arrived in; bytes are
/// copied only when a header or a value straddles two buffers.
struct LaneFrameReader<Source: AsyncIteratorProtocol> where Source.Element == ByteBuffer {
    private var source: Source
    /// The most bytes of values one VALUES frame may hold.
    private let maxValuesBytes: Int
    private var buffer = ByteBuffer()
    /// The VALUES frame being read: its vector, the offset of the next value, bytes left.
    private var values: (vector: Int, offset: Int, remaining: Int)?

    init(_ source: Source, maxValuesBytes: Int) {
        self.source = source
        self.maxValuesBytes = maxValuesBytes
    }

    /// The next event; nil when the peer closed the connection between frames.
    mutating func next() async throws -> LaneEvent? {
        while true {
            if let event = try take() { return event }
            guard let more = try await source.next() else {
                if buffer.readableBytes == 0 && values == nil { return nil }
                throw LaneError("the connection closed in the middle of a frame")
            }
            if buffer.readableBytes == 0 {
                buffer = more
            } else {
                var joined = ByteBuffer()
                joined.reserveCapacity(buffer.readableBytes + more.readableBytes)
                joined.writeImmutableBuffer(buffer)
                joined.writeImmutableBuffer(more)
                buffer = joined
            }
        }
    }

    /// Reads VALUES frames into `assembler` up to the END frame.
    mutating func readValues(into assembler: inout VectorAssembler) async throws {
        while let event = try await next() {
            switch event {
            case .values(let vector, let offset, let bytes):
                try assembler.add(vectorAt: vector, offset: offset, bytes: bytes)
            case .end:
                return
            default:
                throw AnswerRefusal.invalid("vectors on the lane are VALUES frames ending with END")
            }
        }
        throw LaneError("the connection closed before the vectors' END frame")
    }

    /// Reads and drops VALUES frames up to the END frame, at most `limit` bytes of them;
    /// false when the peer sent more or something else (the connection is then beyond use).
    mutating func skipValues(limit: Int) async throws -> Bool {
        var skipped = 0
        while let event = try await next() {
            switch event {
            case .values(_, _, let bytes):
                skipped += bytes.readableBytes
                if skipped > limit { return false }
            case .end:
                return true
            default:
                return false
            }
        }
        return false
    }

    /// An event from the bytes at hand, or nil if more are needed.
    private mutating func take() throws -> LaneEvent? {
        if let current = values {
            // Whole values only; a value split across buffers waits for the rest.
            let count = min(current.remaining, buffer.readableBytes) / VectorBytes.bytesPerValue * VectorBytes.bytesPerValue
            guard count > 0 else { return nil }
            let bytes = buffer.readSlice(length: count)!
            // Holding no reference to a buffer read to its end lets TLS reuse its storage
            // instead of copying it (copy-on-write) for the next read.
            if buffer.readableBytes == 0 { buffer = ByteBuffer() }
            let remaining = current.remaining - count
            values = remaining > 0 ? (current.vector, current.offset + count / VectorBytes.bytesPerValue, remaining) : nil
            return .values(vector: current.vector, offset: current.offset, bytes: bytes)
        }
        guard buffer.readableBytes >= LaneFrame.headerBytes else { return nil }
        let start = buffer.readerIndex
        let type = buffer.getInteger(at: start, as: UInt8.self)!
        let vector = buffer.getInteger(at: start + 1, as: UInt8.self)!
        let length = Int(buffer.getInteger(at: start + 4, endianness: .little, as: UInt32.self)!)
        let offset = buffer.getInteger(at: start + 8, endianness: .little, as: UInt64.self)!
        guard let kind = LaneFrame.Kind(rawValue: type) else { throw LaneError("unknown frame type \(type)") }
        switch kind {
        case .values:
            guard vector > 0 else { throw LaneError("a VALUES frame names no vector (0)") }
            guard length > 0, length % VectorBytes.bytesPerValue == 0, length <= maxValuesBytes else {
                throw LaneError("a VALUES frame of \(length) bytes (whole float32 values, at most \(maxValuesBytes))")
            }
            // Offsets count values; far below Int.max, so offset + values never overflows.
            let start: Int
            do { start = try WireInteger.int(offset, field: "the VALUES frame's offset", in: 0...(Int.max / 8)) } catch {
                throw LaneError("\(error)")
            }
            buffer.moveReaderIndex(forwardBy: LaneFrame.headerBytes)
            values = (Int(vector) - 1, start, length)
            return try take()
        case .end:
            guard length == 0 else { throw LaneError("an END frame with a \(length)-byte payload") }
            buffer.moveReaderIndex(forwardBy: LaneFrame.headerBytes)
            return .end
        case .request, .receipt, .refused:
            guard length <= LaneFrame.largestMessage else {
                throw LaneError("a \(kind) frame of \(length) bytes (at most \(LaneFrame.largestMessage))")
            }
            guard buffer.readableBytes >= LaneFrame.headerBytes + length else { return nil }
            buffer.moveReaderIndex(forwardBy: LaneFrame.headerBytes)
            let payload = Data(buffer.readBytes(length: length)!)
            switch kind {
            case .request: return .request(payload)
            case .receipt: return .receipt(payload)
            default: return .refused(String(decoding: payload, as: UTF8.self))
            }
        }
    }
}
