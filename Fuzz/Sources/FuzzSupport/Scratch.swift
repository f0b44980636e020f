import Foundation

/// A folder of this process's own for parsers that read files: each input is written there
/// (over the previous one) and read back through the parser's file entry point.
public enum Scratch {
    /// Created once per process under the temporary directory, named by the process id so
    /// parallel fuzzers (`-jobs`) do not share it.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory
            .appending(path: "cohort-fuzz-\(ProcessInfo.processInfo.processIdentifier)", directoryHint: .isDirectory)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create the scratch folder \(url.path): \(error)")
        }
        return url
    }()

    /// A sub-folder of `root`, created if missing.
    public static func folder(_ name: String) -> URL {
        let url = root.appending(path: name, directoryHint: .isDirectory)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create \(url.path): \(error)")
        }
        return url
    }

    /// Writes `bytes` to `name` in `folder`, replacing what was there; returns the file.
    @discardableResult
    public static func write(_ bytes: Data, _ name: String, in folder: URL) -> URL {
        let url = folder.appending(path: name, directoryHint: .notDirectory)
        do {
            try bytes.write(to: url)
        } catch {
            fatalError("cannot write \(url.path): \(error)")
        }
        return url
    }
}
