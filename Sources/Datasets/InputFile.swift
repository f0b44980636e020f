import Foundation

/// Reads whole input files, turning Foundation's errors into `DatasetError`s that say what to do.
enum InputFile {
    /// The bytes of `url`; `remedy` is shown when the file does not exist.
    static func contents(of url: URL, remedy: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.fileNotFound(path: url.path, remedy: remedy)
        }
        guard !isDirectory.boolValue else {
            throw DatasetError.unreadableFile(path: url.path, reason: "it is a directory, not a file")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw DatasetError.unreadableFile(path: url.path, reason: String(describing: error))
        }
    }

    /// Checks that `url` names an existing directory.
    static func requireDirectory(_ url: URL, remedy: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw DatasetError.directoryNotFound(path: url.path, remedy: remedy)
        }
    }
}
