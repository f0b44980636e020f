import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Vectors kept on disk while they wait their turn: an unlinked temporary file (nothing is
/// left behind, whatever happens to the process) written chunk by chunk as an update
/// arrives, and read back once, when the coordinator is ready to fold it. Receiving a large
/// update then costs one chunk of memory, not one model per site.
final class UpdateSpool: @unchecked Sendable {
    private let descriptor: Int32
    private(set) var bytes = 0

    init(directory: URL = FileManager.default.temporaryDirectory) throws {
        let path = directory.appendingPathComponent("cohort-spool-\(UInt64.random(in: .min ... .max))").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SpoolError("cannot create a spool file in \(directory.path): \(String(cString: strerror(errno)))")
        }
        unlink(path)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func append(_ raw: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < raw.count {
            let count = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(bytes + written))
            if count < 0 {
                if errno == EINTR { continue }
                throw SpoolError("cannot write the spool file: \(String(cString: strerror(errno)))")
            }
            written += count
        }
        bytes += raw.count
    }

    /// Fills `buffer` with the float32 values starting at value `offset`.
    func read(from offset: Int, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var done = 0
        while done < raw.count {
            let read = pread(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset * 4 + done))
            if read < 0 && errno == EINTR { continue }
            if read <= 0 {
                throw SpoolError("cannot read the spool file back (\(read < 0 ? String(cString: strerror(errno)) : "short file"))")
            }
            done += read
        }
        #if _endian(big)
            for index in buffer.indices { buffer[index] = Float(bitPattern: UInt32(littleEndian: buffer[index].bitPattern)) }
        #endif
    }
}

struct SpoolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
