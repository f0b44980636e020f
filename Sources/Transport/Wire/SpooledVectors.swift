import Federation

/// An update's vectors left in their spool file and handed to the coordinator as deferred
/// vectors: it checks and folds them by reading chunks back, so a large upload costs the
/// coordinator one chunk of memory at every step between the socket and the running sum.
struct SpooledVectors: DeferredVectors {
    /// Values per read: 4 MiB, a multiple of the 1024-value blocks norms are summed in.
    static let chunkValues = 1 << 20

    private let spool: UpdateSpool
    private let vectors: [VectorName: (offset: Int, count: Int)]
    let names: [VectorName]

    init(spool: UpdateSpool, layout: [VectorAssembler.Expected]) {
        self.spool = spool
        var vectors: [VectorName: (offset: Int, count: Int)] = [:]
        var offset = 0
        for vector in layout {
            vectors[vector.kind] = (offset, vector.count)
            offset += vector.count
        }
        self.vectors = vectors
        names = layout.map(\.kind)
    }

    func count(of kind: VectorName) -> Int? { vectors[kind]?.count }

    func forEachChunk(of kind: VectorName, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard let vector = vectors[kind] else { return }
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: min(Self.chunkValues, max(vector.count, 1)))
        defer { buffer.deallocate() }
        var start = 0
        repeat {
            let end = min(vector.count, start + Self.chunkValues)
            let chunk = UnsafeMutableBufferPointer(rebasing: buffer[0..<(end - start)])
            try spool.read(from: vector.offset + start, into: chunk)
            try body(start..<end, UnsafeBufferPointer(chunk))
            start = end
        } while start < vector.count
    }
}
