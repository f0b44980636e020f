import Foundation

/// Seed inputs that only the project's own writers can make (protobuf, SecAgg+ and lane
/// bytes, signed trails): a target run with `COHORT_FUZZ_SEEDS=<folder>` writes them there
/// from its `LLVMFuzzerInitialize` and exits, so that `scripts/fuzz.sh --seeds` can
/// regenerate Fuzz/Corpus/<Target>/ after a format change.
public enum Seeds {
    public static func writeIfAsked(_ make: () throws -> [String: Data]) {
        guard let path = ProcessInfo.processInfo.environment["COHORT_FUZZ_SEEDS"] else { return }
        let folder = URL(filePath: path, directoryHint: .isDirectory)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, bytes) in try make() {
                try bytes.write(to: folder.appending(path: name, directoryHint: .notDirectory))
            }
        } catch {
            fatalError("cannot write the seeds to \(folder.path): \(error)")
        }
        exit(0)
    }

    /// A seed for a target whose first byte picks what the rest is read as.
    public static func selected(_ choice: UInt8, _ payload: some Sequence<UInt8>) -> Data {
        Data([choice] + payload)
    }
}
