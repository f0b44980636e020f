import Foundation

/// Cuts vectors into wire chunks of at most `chunkBytes`, in order, and hands each to `send`
/// (which writes it to a gRPC stream): one chunk's bytes in memory at a time, whatever the
/// vector's size.
enum VectorChunks {
    static func send(_ vectors: [TaskVector], chunkBytes: Int,
                     _ send: (Cohort_Deployment_V1_VectorChunk) async throws -> Void) async throws {
        let valuesPerChunk = max(1, chunkBytes / VectorBytes.bytesPerValue)
        for vector in vectors {
            var start = 0
            while start < vector.values.count {
                let end = min(vector.values.count, start + valuesPerChunk)
                var chunk = Cohort_Deployment_V1_VectorChunk()
                chunk.vector = vector.kind.wire
                chunk.offset = UInt64(start)
                chunk.values = vector.values.withUnsafeBufferPointer { VectorBytes.encode($0, start..<end) }
                try await send(chunk)
                start = end
            }
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
