#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file read a chunk at a time into one reusable buffer.
///
/// Memory stays at the chunk size (1 MiB) plus the largest single unit the reader must see
/// whole (one bundle entry, one NDJSON line): the buffer only grows when a unit does not fit.
final class ChunkedFile {
    let path: String
    private let descriptor: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Valid bytes in the buffer.
    private(set) var count = 0
    private(set) var atEndOfFile = false
    private(set) var totalBytes = 0

    /// Opens `path`; throws with the system's reason when it cannot be opened.
    init(path: String, chunkSize: Int = 1 << 20) throws(ChunkedFileError) {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ChunkedFileError(reason: String(cString: strerror(errno))) }
        capacity = chunkSize
        buffer = .allocate(capacity: chunkSize)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: buffer, count: count) }

    /// Appends a byte after the file's contents (only once the file has ended).
    func appendByte(_ byte: UInt8) {
        precondition(atEndOfFile, "bytes can only be appended after the end of the file")
        if count == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: count)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        buffer[count] = byte
        count += 1
    }

    /// Drops the bytes before `offset` (already parsed), then reads at least one more byte
    /// unless the file has ended; grows the buffer when the unparsed part fills it.
    /// Returns false when nothing more could be read.
    func refill(discarding offset: Int) throws(ChunkedFileError) -> Bool {
        if offset > 0 {
            let remaining = count - offset
            if remaining > 0 { buffer.update(from: buffer + offset, count: remaining) }
            count = remaining
        }
        if count == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: count)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        guard !atEndOfFile else { return false }
        while true {
            let read = systemRead(descriptor, buffer + count, capacity - count)
            if read < 0 {
                if errno == EINTR { continue }
                throw ChunkedFileError(reason: String(cString: strerror(errno)))
            }
            if read == 0 {
                atEndOfFile = true
                return false
            }
            count += read
            totalBytes += read
            return true
        }
    }
}

struct ChunkedFileError: Error {
    var reason: String
}

@inline(__always)
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
