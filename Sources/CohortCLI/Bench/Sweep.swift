import Foundation

/// What the table commands (`bench defenses`, `bench privacy`) share: running `cohort
/// simulate` in-process for one cell, summarizing seeds, and writing a table into a README
/// between markers.
enum Sweep {
    /// Runs `cohort simulate` with `arguments` silently and returns its report.
    static func run(_ arguments: [String]) async throws -> RunReport {
        let command = try SimulateCommand.parse(arguments)
        return try await command.execute(printer: ProgressPrinter(quiet: true, rounds: 0, silent: true))
    }

    /// "mean ± sd" (population standard deviation over seeds).
    static func summary(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "-" }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        return String(format: "%.3f ± %.3f", mean, sd)
    }

    static func seeds(_ text: String) throws -> [UInt64] {
        try text.split(separator: ",").map { item in
            guard let seed = UInt64(item.trimmingCharacters(in: .whitespaces)) else {
                throw CohortError("--seeds must be comma-separated integers, got '\(text)'")
            }
            return seed
        }
    }

    /// Replaces what stands between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `path`.
    static func splice(_ table: String, into path: String, marker name: String) throws {
        let begin = "<!-- \(name):begin -->", end = "<!-- \(name):end -->"
        guard var text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CohortError("cannot read \(path)") }
        guard let lower = text.range(of: begin), let upper = text.range(of: end), lower.upperBound <= upper.lowerBound else {
            throw CohortError("\(path) has no '\(begin)' ... '\(end)' markers: add them where the table should go")
        }
        text.replaceSubrange(lower.upperBound..<upper.lowerBound, with: "\n" + table + "\n")
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw CohortError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
