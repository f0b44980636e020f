import Foundation

/// Where the built `cohort` executable is: next to the test bundle in the build directory.
public enum CohortExecutable {
    /// The executable, or nil when this build has none (a filtered build of one test target).
    public static var url: URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cohort")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("cohort")
        return FileManager.default.isExecutableFile(atPath: beside.path) ? beside : nil
    }

    /// The executable, or an error that says to build it.
    public static func required() throws -> URL {
        guard let url else { throw MissingExecutable() }
        return url
    }
}

/// No `cohort` next to the test bundle.
public struct MissingExecutable: Error, CustomStringConvertible {
    public var description: String { "the cohort executable is not next to the test bundle: run `swift build --build-tests` first" }
}
