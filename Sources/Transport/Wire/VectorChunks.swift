import Federation
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

    static func send(
        _ vectors: [TaskVector], chunkBytes: Int,
        _ send: (Cohort_Deployment_V1_VectorChunk) async throws -> Void
    ) async throws {
        for piece in pieces(of: vectors, chunkBytes: chunkBytes) {
            let vector = vectors[piece.vector]
            var chunk = Cohort_Deployment_V1_VectorChunk()
            chunk.name = vector.kind.rawValue
            chunk.vector = vector.kind.wire
            chunk.offset = UInt64(piece.range.lowerBound)
            chunk.values = vector.values.withUnsafeBufferPointer { VectorBytes.encode($0, piece.range) }
            try await send(chunk)
        }
    }
}

/// The names the protocol's `VectorKind` enum stands for, kept so that chunks still say
/// `vector` to a reader older than `VectorChunk.name`.
enum WireVectorNames {
    static let byKind: [Cohort_Deployment_V1_VectorKind: VectorName] = [
        .globalParameters: .globalParameters, .serverControl: "server_control", .delta: .delta,
        .controlDelta: "control_delta", .mask: "mask"
    ]
}

extension Cohort_Deployment_V1_VectorChunk {
    /// The vector this chunk belongs to: its name, or the older `vector` enum.
    var vectorName: VectorName? {
        name.isEmpty ? WireVectorNames.byKind[vector] : VectorName(name)
    }
}
