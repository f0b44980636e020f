import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ledger's file on disk, held open with an exclusive lock for as long as a budget uses
/// it; appends whole lines and makes each durable (fsync) before returning.
///
/// The lock (flock) makes a second writer fail at open instead of interleaving rounds; the
/// size check before each append catches anyone who ignores the lock (an editor, a restore
/// from backup) and a previous append that failed halfway.
final class LedgerFile {
    let path: String
    private let descriptor: Int32
    /// Bytes in the file as this object last wrote or read them.
    private(set) var size: Int

    private init(path: String, descriptor: Int32, size: Int) {
        self.path = path
        self.descriptor = descriptor
        self.size = size
    }

    deinit { close(descriptor) }

    /// Opens an existing ledger, locks it, and returns it with its current contents.
    static func open(_ path: String) throws(PrivacyLedgerError) -> (LedgerFile, Data) {
        let descriptor = openFile(path, O_RDWR | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .unreadable(path: path, reason: lastError())
        }
        let file = LedgerFile(path: path, descriptor: descriptor, size: 0)
        try file.lock()
        let contents = try file.readAll()
        file.size = contents.count
        return (file, contents)
    }

    /// Creates a new ledger holding `firstLine`, durable (file and directory entry) on return.
    static func create(_ path: String, firstLine: Data) throws(PrivacyLedgerError) -> LedgerFile {
        let descriptor = openFile(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw .alreadyExists(path: path) }
            throw .unwritable(path: path, reason: lastError())
        }
        let file = LedgerFile(path: path, descriptor: descriptor, size: 0)
        try file.lock()
        try file.append(firstLine)
        try syncDirectory(containing: path)
        return file
    }

    /// Appends `line` (newline included) and waits until it is on stable storage.
    func append(_ line: Data) throws(PrivacyLedgerError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unwritable(path: path, reason: lastError()) }
        guard Int(status.st_size) == size else {
            throw .changedOnDisk(path: path, expectedBytes: size, actualBytes: Int(status.st_size))
        }
        let failure: String? = line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return lastError()
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .unwritable(path: path, reason: failure) }
        guard fsync(descriptor) == 0 else { throw .unwritable(path: path, reason: "fsync: \(lastError())") }
        size += line.count
    }

    private func lock() throws(PrivacyLedgerError) {
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK { throw .inUse(path: path) }
            throw .unreadable(path: path, reason: "cannot lock: \(lastError())")
        }
    }

    private func readAll() throws(PrivacyLedgerError) -> Data {
        var contents = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: lastError())
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[0..<count])
            offset += off_t(count)
        }
    }

    /// A new file's name lives in its directory: sync that too, or a crash can lose the file.
    private static func syncDirectory(containing path: String) throws(PrivacyLedgerError) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = openFile(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: "cannot open its directory: \(lastError())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .unwritable(path: path, reason: "fsync of its directory: \(lastError())") }
    }
}

private func lastError() -> String { String(cString: strerror(errno)) }

/// POSIX open(2), named apart from `LedgerFile.open`.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
        Glibc.open(path, flags, mode)
    #else
        Darwin.open(path, flags, mode)
    #endif
}
