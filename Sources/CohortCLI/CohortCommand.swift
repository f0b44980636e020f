import ArgumentParser
import Foundation

/// The `cohort` command line: one subcommand per user task.
public struct CohortCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Federated learning for healthcare: train one model across sites without moving patient data.",
        version: CohortVersion.current,
        subcommands: [
            SimulateCommand.self, StudyCommand.self, ProvisionCommand.self, CoordinatorCommand.self, SiteCommand.self, BenchCommand.self,
            DataCommand.self, PrivacyCommand.self, AuditCommand.self, ReportCommand.self
        ]
    )

    public init() {}

    /// Entry point used by the executable: runs the command and turns every failure into a
    /// one-line message on standard error and a non-zero exit, never a stack trace.
    public static func runMain(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version are "errors" that print their text and succeed.
                print(fullMessage(for: error))
                return 0
            }
            let message = (error as? CohortError)?.description ?? message(for: error)
            let oneLine = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "unknown error"
            FileHandle.standardError.write(Data("cohort: error: \(oneLine)\n".utf8))
            return code.rawValue == 0 ? 1 : code.rawValue
        }
    }
}

public enum CohortVersion {
    public static let current = "0.1.0"
}
