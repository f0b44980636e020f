/// A study or mapping file that cannot be used. Fatal: nothing is read with a broken study.
///
/// Descriptions are one line naming the file, the line and the key, and what to write instead.
public struct SchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var path: String
    public var problem: String

    public init(file: String, line: Int?, path: String, problem: String) {
        self.file = file
        self.line = line
        self.path = path
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let line { location += " line \(line)" }
        return path.isEmpty ? "\(location): \(problem)" : "\(location): \(path): \(problem)"
    }
}
