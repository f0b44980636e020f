import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files all-or-nothing: to a temporary file beside the target, flushed to disk, then
/// renamed over it. A crash leaves the old file or the new one, never half of either; keys are
/// created readable by their owner only (0600) from the first byte.
public enum FileWriting {
    public static let privateMode: mode_t = 0o600
    public static let publicMode: mode_t = 0o644

    public static func write(_ bytes: some Collection<UInt8>, to url: URL, mode: mode_t = publicMode) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: .min ... .max)).partial")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw ProvisioningError("cannot write \(url.path): \(String(cString: strerror(errno))); check that \(directory.path) exists and is writable")
        }
        var failure: String?
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        do {
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
        } catch {
            failure = error.localizedDescription
        }
        close(descriptor)
        if failure == nil && rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw ProvisioningError("cannot write \(url.path): \(failure)")
        }
    }

    public static func write(_ text: String, to url: URL, mode: mode_t = publicMode) throws {
        try write(Array(text.utf8), to: url, mode: mode)
    }

    /// Reads a whole text file, naming the file and the problem when it cannot.
    public static func readText(_ url: URL, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ProvisioningError("\(what) \(url.path) does not exist")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ProvisioningError("\(what) \(url.path) is not readable (check its permissions)")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ProvisioningError("\(what) \(url.path) cannot be read as text: \(error.localizedDescription)")
        }
    }
}
