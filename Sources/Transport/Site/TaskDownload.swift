import Federation
import Foundation
import NIOCore
import Studies

/// A task's vectors as a site receives them, over gRPC or the vector lane: assembled and
/// checked against the offer's sizes and checksum, or (a worker that does not need them)
/// only checksummed and dropped.
struct TaskDownload {
    /// Bytes the offer announces.
    let bytes: Int
    private let keep: Bool
    private let expectedChecksum: UInt64
    private var assembler: VectorAssembler
    private var checksum = ValuesChecksum()

    init(_ offer: Cohort_Deployment_V1_TaskOffer, keep: Bool) throws(AnswerRefusal) {
        var expected: [VectorAssembler.Expected] = []
        do throws(WireInteger.OutOfRange) {
            let values = 0...StudyLimits.parameters
            expected.append(.init(kind: .globalParameters, count: try WireInteger.int(offer.parameterCount, field: "TaskOffer.parameter_count", in: values)))
            for vector in offer.vectors {
                expected.append(.init(kind: VectorName(vector.name), count: try WireInteger.int(vector.count, field: "TaskOffer.vectors.count", in: values)))
            }
        } catch {
            throw .invalid(error.description)
        }
        try NamedVectors.check(expected.map(\.kind))
        bytes = expected.map(\.count).reduce(0, +) * VectorBytes.bytesPerValue
        self.keep = keep
        expectedChecksum = offer.payloadChecksum
        assembler = VectorAssembler(expecting: keep ? expected : [], maxChunkBytes: ProtocolLimits.largestChunk, inspectsValues: false)
    }

    /// A chunk from gRPC.
    mutating func add(kind: VectorKind, offset: Int, bytes: Data) throws(AnswerRefusal) {
        if keep {
            try assembler.add(kind: kind, offset: offset, bytes: bytes)
        } else {
            bytes.withUnsafeBytes { checksum.update($0) }
        }
    }

    /// A piece of a frame from the vector lane, for the vector at `index` of the task's.
    mutating func add(vectorAt index: Int, offset: Int, bytes: ByteBuffer) throws(AnswerRefusal) {
        if keep {
            try assembler.add(vectorAt: index, offset: offset, bytes: bytes)
        } else {
            bytes.withUnsafeReadableBytes { checksum.update($0) }
        }
    }

    /// The vectors (empty when not kept), once all arrived and match the checksum.
    mutating func finish() throws(AnswerRefusal) -> [VectorKind: [Float]] {
        if keep { return try assembler.finish(checksum: expectedChecksum) }
        guard checksum.finish() == expectedChecksum else {
            throw .invalid("corrupted: the task's values do not match its checksum")
        }
        return [:]
    }
}
