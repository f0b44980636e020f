import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A trail's bytes split into lines, without copying: offsets into the (mapped) file.
/// Read-only, and only used while its buffer is alive (inside `withUnsafeBytes`), so sharing it
/// across the verifier's worker threads is safe.
struct TrailBytes: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer
    /// For each complete line, where it starts and where its newline is.
    private(set) var starts: [Int] = []
    private(set) var ends: [Int] = []
    /// Bytes after the last newline: a torn write, or a copy cut short.
    private(set) var tornTail: Range<Int>?

    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        starts.reserveCapacity(buffer.count / 400)
        ends.reserveCapacity(buffer.count / 400)
        var offset = 0
        while offset < buffer.count {
            guard let found = memchr(base + offset, 0x0A, buffer.count - offset) else {
                tornTail = offset..<buffer.count
                break
            }
            let end = UnsafeRawPointer(found) - base
            starts.append(offset)
            ends.append(end)
            offset = end + 1
        }
    }

    var count: Int { starts.count }

    /// Line `index` (0-based), newline excluded.
    func line(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[starts[index]..<ends[index]])
    }

    func text(_ index: Int) -> String { String(decoding: line(index), as: UTF8.self) }

    /// SHA-256 of a whole line: the link the next entry's `prev` must hold.
    func link(_ index: Int) -> LineLink {
        var hasher = SHA256()
        hasher.update(bufferPointer: line(index))
        return LineLink(hasher.finalize())
    }
}
