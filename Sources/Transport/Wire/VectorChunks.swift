import Foundation

/// Cuts vectors into wire chunks of at most `chunkBytes`, in order, and hands each to `send`
/// (which writes it to a gRPC stream): one chunk's bytes in memory at a time, whatever the
/// vector's size.
enum VectorChunks {
    /// Where each chunk of `vectors` lies: the vector's index and the values' range, in order.
    /// gRPC's `VectorChunk` messages and the vector lane's frames are both cut this way.
    static func pieces(of vectors: [TaskVector], chunkBytes: Int) -> [(vector: Int, range: Range<Int>)] {
        let valuesPerChunk = max(1, chunkBytes / VectorBytes.bytesPerValue)
        return vectors.indices.flatMap { index in
            stride(from: 0, to: vectors[index].values.count, by: valuesPerChunk).map { start in
                (vector: index, range: start..<min(vectors[index].values.count, start + valuesPerChunk))
            }
        }
    }

    static func send(_ vectors: [TaskVector], chunkBytes: Int,
                     _ send: (Cohort_Deployment_V1_VectorChunk) async throws -> Void) async throws {
        for piece in pieces(of: vectors, chunkBytes: chunkBytes) {
            let vector = vectors[piece.vector]
            var chunk = Cohort_Deployment_V1_VectorChunk()
            chunk.vector = vector.kind.wire
            chunk.offset = UInt64(piece.range.lowerBound)
            chunk.values = vector.values.withUnsafeBufferPointer { VectorBytes.encode($0, piece.range) }
            try await send(chunk)
        }
    }
}

extension Cohort_Deployment_V1_VectorKind {
    var domain: VectorKind? {
        switch self {
        case .globalParameters: .globalParameters
        case .serverControl: .serverControl
        case .delta: .delta
        case .controlDelta: .controlDelta
        case .mask: .mask
        default: nil
        }
    }
}
