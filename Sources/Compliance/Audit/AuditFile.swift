import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A trail's file held open for appending under an exclusive lock.
///
/// Each entry goes out in one write(2) of the whole line with O_APPEND, so a crash leaves at
/// worst a torn last line, which the verifier reports. The size check before each append
/// catches anyone writing around the lock (an editor, a restore from backup).
///
/// `@unchecked Sendable`: `append` and `truncate` run only under `AuditTrail`'s mutex; `sync`
/// may run on the group-commit thread at the same time, which POSIX allows (fdatasync and
/// write on one descriptor).
final class AuditFile: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private(set) var size: Int

    private init(path: String, descriptor: Int32, size: Int) {
        self.path = path
        self.descriptor = descriptor
        self.size = size
    }

    deinit { close(descriptor) }

    /// Opens an existing trail and locks it.
    static func open(_ path: String) throws(AuditError) -> AuditFile {
        let descriptor = systemOpen(path, O_RDWR | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .unreadable(path: path, reason: lastError())
        }
        let file = AuditFile(path: path, descriptor: descriptor, size: 0)
        try file.lock()
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: lastError()) }
        file.size = Int(status.st_size)
        return file
    }

    /// Creates a new, empty trail file (0600) and locks it; its directory entry is synced.
    static func create(_ path: String) throws(AuditError) -> AuditFile {
        let descriptor = systemOpen(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw .alreadyExists(path: path) }
            throw .unwritable(path: path, reason: lastError())
        }
        let file = AuditFile(path: path, descriptor: descriptor, size: 0)
        try file.lock()
        try syncDirectory(containing: path)
        return file
    }

    /// Appends whole bytes (one entry line), without waiting for the disk.
    func append(_ bytes: UnsafeRawBufferPointer) throws(AuditError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unwritable(path: path, reason: lastError()) }
        guard Int(status.st_size) == size else {
            throw .changedOnDisk(path: path, expectedBytes: size, actualBytes: Int(status.st_size))
        }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: path, reason: lastError())
            }
            offset += written
        }
        size += bytes.count
    }

    /// Appends a whole line of text.
    func append(_ text: inout String) throws(AuditError) {
        var failure: AuditError?
        text.withUTF8 { bytes in
            do throws(AuditError) { try append(UnsafeRawBufferPointer(bytes)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Waits until everything appended is on stable storage (data and the file's size).
    func sync() throws(AuditError) {
        #if os(Linux)
            let status = fdatasync(descriptor)
        #else
            let status = fsync(descriptor)
        #endif
        guard status == 0 else { throw .unwritable(path: path, reason: "fsync: \(lastError())") }
    }

    /// Cuts the file back to `length` bytes and syncs: only `AuditTrail.recover` does this,
    /// after saving the cut bytes elsewhere.
    func truncate(to length: Int) throws(AuditError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw .unwritable(path: path, reason: "truncate: \(lastError())") }
        try sync()
        size = length
    }

    private func lock() throws(AuditError) {
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK { throw .inUse(path: path) }
            throw .unreadable(path: path, reason: "cannot lock: \(lastError())")
        }
    }

    static func syncDirectory(containing path: String) throws(AuditError) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = systemOpen(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: "cannot open its directory: \(lastError())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .unwritable(path: path, reason: "fsync of its directory: \(lastError())") }
    }
}

func lastError() -> String { String(cString: strerror(errno)) }

/// POSIX open(2), named apart from `AuditFile.open`.
func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
        Glibc.open(path, flags, mode)
    #else
        Darwin.open(path, flags, mode)
    #endif
}
