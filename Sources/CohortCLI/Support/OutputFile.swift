import Foundation

extension CohortCommand {
    /// Fails before a long run starts if its result could not be written at the end: the
    /// folder must exist and be writable, and an existing file must be writable.
    static func checkWritable(_ path: String, option: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CohortError("\(option) \(path): the folder \(directory) does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw CohortError("\(option) \(path): the folder \(directory) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw CohortError("\(option) \(path) is a folder; give a file name") }
            guard FileManager.default.isWritableFile(atPath: path) else { throw CohortError("\(option) \(path) exists and is not writable") }
        }
    }
}
