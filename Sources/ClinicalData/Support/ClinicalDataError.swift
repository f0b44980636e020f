/// A problem that stops a run: the source cannot be found, or nothing usable is left.
/// Records that fail are never errors of this kind; they are skipped and reported.
public enum ClinicalDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case sourceNotFound(path: String, remedy: String)
    case noRowsLeft(source: String, detail: String)
    case schemaMismatch(path: String, expected: String, found: String)
    case invalidPreparedFile(path: String, line: Int?, problem: String)
    case invalidSummary(path: String, problem: String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .sourceNotFound(let path, let remedy):
            "\(path): not found; \(remedy)"
        case .noRowsLeft(let source, let detail):
            "\(source): no patients left for the study (\(detail)); run `cohort data check` and read the report's errors and exclusions"
        case .schemaMismatch(let path, let expected, let found):
            "\(path): prepared with study hash \(found.prefix(12)), but the study's hash is \(expected.prefix(12)); prepare it again with the same study file as the other sites"
        case .invalidPreparedFile(let path, let line, let problem):
            "\(path)\(line.map { " line \($0)" } ?? ""): \(problem); write it again with `cohort data prepare`"
        case .invalidSummary(let path, let problem):
            "\(path): \(problem); write it again with `cohort data summarize`"
        case .invalidOption(let message):
            message
        }
    }
}
