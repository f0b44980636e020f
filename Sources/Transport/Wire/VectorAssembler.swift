import Foundation
import Learning
import NIOCore

/// Reassembles vectors that arrive in chunks: each into a buffer allocated once at its
/// announced size (or, for large updates, into a spool file on disk), checking as it goes
/// that chunks come in order, belong to the announced vectors, stay within their sizes and
/// the chunk limit, and that the values match the announced checksum; it also notes the
/// first non-finite value and whether a 0/1 vector holds only 0 and 1. Any violation of the
/// transfer rules stops it with a reason.
struct VectorAssembler {
    struct Expected {
        var kind: VectorKind
        var count: Int
        /// Whether the vector must hold only 0 and 1 (a mask), noted in `notBinary`.
        var binary = false
    }

    private let expected: [Expected]
    private let maxChunkBytes: Int
    private var buffers: [[Float]]
    private let spool: UpdateSpool?
    /// Whether values are scanned for NaN/infinity and non-binary masks (`firstNonFinite`,
    /// `notBinary`): the coordinator's verdict on an update needs it; a site downloading the
    /// global model does not.
    private let inspectsValues: Bool
    private var filled: [Int]
    private var current = 0
    private var checksum = ValuesChecksum()
    /// Per vector: the index of its first NaN or infinity.
    private(set) var firstNonFinite: [VectorKind: Int] = [:]
    /// Binary vectors holding a value other than 0 and 1, with the first such index.
    private(set) var notBinary: [VectorKind: Int] = [:]

    /// `spool` nil: the vectors are assembled in memory.
    init(expecting expected: [Expected], maxChunkBytes: Int, spool: UpdateSpool? = nil, inspectsValues: Bool = true) {
        self.expected = expected
        self.inspectsValues = inspectsValues
        self.maxChunkBytes = maxChunkBytes
        self.spool = spool
        buffers =
            spool != nil
            ? []
            : expected.map { vector in
                // Every value is overwritten by a chunk before the vector is handed out.
                [Float](unsafeUninitializedCapacity: vector.count) { _, count in count = vector.count }
            }
        filled = expected.map { _ in 0 }
        skipEmpty()
    }

    mutating func add(kind: VectorKind, offset: Int, bytes: Data) throws(AnswerRefusal) {
        // `withUnsafeBytes` rethrows untyped; the result carries the typed refusal out.
        let result = bytes.withUnsafeBytes { raw in Result { () throws(AnswerRefusal) in try add(kind: kind, offset: offset, bytes: raw) } }
        try result.get()
    }

    mutating func add(kind: VectorKind, offset: Int, bytes: ByteBuffer) throws(AnswerRefusal) {
        let result = bytes.withUnsafeReadableBytes { raw in Result { () throws(AnswerRefusal) in try add(kind: kind, offset: offset, bytes: raw) } }
        try result.get()
    }

    /// A piece of the vector at `index` in the announced order (the vector lane numbers
    /// vectors by their place in the transfer, not by name).
    mutating func add(vectorAt index: Int, offset: Int, bytes: ByteBuffer) throws(AnswerRefusal) {
        guard expected.indices.contains(index) else {
            throw .invalid("values for vector \(index + 1) of a transfer that announced \(expected.count)")
        }
        try add(kind: expected[index].kind, offset: offset, bytes: bytes)
    }

    /// Adds a chunk of wire bytes. A chunk may be any whole number of values within the limit,
    /// so the vector lane hands over each piece of a frame as it arrives.
    mutating func add(kind: VectorKind, offset: Int, bytes: UnsafeRawBufferPointer) throws(AnswerRefusal) {
        guard bytes.count <= maxChunkBytes else {
            throw .invalid("oversized: a chunk of \(bytes.count) bytes exceeds the \(maxChunkBytes)-byte limit")
        }
        guard current < expected.count else { throw .invalid("oversized: more values than announced") }
        let vector = expected[current]
        guard kind == vector.kind else { throw .invalid("chunk of \(kind) where \(vector.kind) was expected") }
        guard bytes.count % VectorBytes.bytesPerValue == 0 else { throw .invalid("a chunk of \(bytes.count) bytes is not whole float32 values") }
        guard offset == filled[current] else { throw .invalid("chunk at offset \(offset) of \(kind), expected \(filled[current]) (out of order)") }
        let values = bytes.count / VectorBytes.bytesPerValue
        guard offset + values <= vector.count else {
            throw .invalid("oversized: \(kind) runs past its announced \(vector.count) values")
        }
        if let spool {
            do { try spool.append(bytes) } catch { throw .unstored("\(error)") }
        } else {
            buffers[current].withUnsafeMutableBufferPointer { VectorBytes.decode(bytes, into: $0, at: offset) }
        }
        if inspectsValues { inspect(bytes, kind: kind, binary: vector.binary, offset: offset) }
        checksum.update(bytes)
        filled[current] += values
        skipEmpty()
    }

    /// Notes non-finite values, and non-binary values in a 0/1 vector.
    private mutating func inspect(_ raw: UnsafeRawBufferPointer, kind: VectorKind, binary: Bool, offset: Int) {
        let checksBinary = binary && notBinary[kind] == nil
        let checksFinite = firstNonFinite[kind] == nil
        guard checksFinite || checksBinary else { return }
        if checksFinite, let index = FloatScan.firstNonFinite(inLittleEndian: raw) { firstNonFinite[kind] = offset + index }
        if checksBinary, let index = FloatScan.firstNonBinary(inLittleEndian: raw) { notBinary[kind] = offset + index }
    }

    /// Checks all vectors arrived and match `checksum`, and hands over where they are.
    mutating func complete(checksum announced: UInt64) throws(AnswerRefusal) -> AssembledVectors {
        guard current == expected.count else {
            let vector = expected[current]
            throw .invalid("incomplete: \(vector.kind) has \(filled[current]) of \(vector.count) values")
        }
        guard checksum.finish() == announced else {
            throw .invalid("corrupted: the values do not match the announced checksum")
        }
        if let spool { return .spooled(spool, layout: expected) }
        var result: [VectorKind: [Float]] = [:]
        for (index, vector) in expected.enumerated() { result[vector.kind] = buffers[index] }
        return .resident(result)
    }

    /// The vectors of an assembler without a spool, after checking all arrived and match
    /// `checksum`. (A spooled update goes to the coordinator deferred, through `complete`.)
    mutating func finish(checksum announced: UInt64) throws(AnswerRefusal) -> [VectorKind: [Float]] {
        precondition(spool == nil, "finish is for vectors assembled in memory")
        guard case .resident(let vectors) = try complete(checksum: announced) else { return [:] }
        return vectors
    }

    private mutating func skipEmpty() {
        while current < expected.count && filled[current] == expected[current].count { current += 1 }
    }
}

/// Assembled vectors: in memory, or in a spool file read back in chunks (`SpooledVectors`).
enum AssembledVectors: @unchecked Sendable {
    case resident([VectorKind: [Float]])
    case spooled(UpdateSpool, layout: [VectorAssembler.Expected])

    var isSpooled: Bool {
        if case .spooled = self { return true }
        return false
    }
}
