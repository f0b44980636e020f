import CohortTestSupport
import Foundation
import Testing

/// Every mistake a user can make on the command line gets one line on standard error that
/// names the flag or file, a non-zero exit status, and no stack trace.
@Suite struct BadInputTests {
    func expectOneLineError(_ arguments: [String], mentions needles: [String]) throws {
        let output = try CohortBinary.run(arguments)
        #expect(output.status != 0)
        let lines = output.standardError.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.standardError)")
        for needle in needles {
            #expect(output.standardError.contains(needle), "stderr: \(output.standardError)")
        }
        #expect(!output.standardError.contains("Fatal error"))
    }

    @Test func unknownStrategy() throws {
        try expectOneLineError(["simulate", "--strategy", "fedmagic"], mentions: ["--strategy", "fedmagic", "fedavg"])
    }

    @Test func unknownDataset() throws {
        try expectOneLineError(["simulate", "--dataset", "mnist"], mentions: ["--dataset", "mnist"])
    }

    @Test func unknownModel() throws {
        try expectOneLineError(["simulate", "--model", "transformer"], mentions: ["--model", "transformer"])
    }

    @Test func nonPositiveRounds() throws {
        try expectOneLineError(["simulate", "--rounds", "0"], mentions: ["--rounds"])
    }

    @Test func missingDataDirectory() throws {
        try expectOneLineError(["simulate", "--data", "/nonexistent/heart"], mentions: ["/nonexistent/heart"])
    }

    @Test func missingImageFile() throws {
        try expectOneLineError(["simulate", "--dataset", "pneumoniamnist", "--data", "/nonexistent/p.npz"], mentions: ["/nonexistent/p.npz"])
    }

    @Test func truncatedImageFile() throws {
        let path = CohortBinary.temporaryPath("truncated.npz")
        try Data("PK\u{3}\u{4}not really a zip".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try expectOneLineError(["simulate", "--dataset", "breastmnist", "--data", path], mentions: [path])
    }

    @Test func nanInAFeature() throws {
        let directory = CohortBinary.temporaryPath("heart-nan")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Datasets/Resources/uci-heart-disease")
        for site in ["cleveland", "hungarian", "switzerland", "va"] {
            var text = try String(contentsOf: source.appendingPathComponent("processed.\(site).data"), encoding: .utf8)
            if site == "hungarian" {
                // Age of the second patient becomes NaN: parseable as a number, poison for training.
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                var fields = lines[1].split(separator: ",").map(String.init)
                fields[0] = "nan"
                lines[1] = fields.joined(separator: ",")
                text = lines.joined(separator: "\n")
            }
            try text.write(toFile: "\(directory)/processed.\(site).data", atomically: true, encoding: .utf8)
        }
        try expectOneLineError(["simulate", "--data", directory], mentions: ["processed.hungarian.data"])
    }

    @Test func flagsThatDoNotFitTheDataset() throws {
        try expectOneLineError(["simulate", "--model", "cnn"], mentions: ["cnn"])
        try expectOneLineError(["simulate", "--sites", "3"], mentions: ["--sites"])
        try expectOneLineError(["simulate", "--strategy", "fedavg", "--mu", "0.1"], mentions: ["--mu"])
        try expectOneLineError(["simulate", "--min-sites", "9"], mentions: ["--min-sites"])
        // Attack parameters are checked: a wrong one is a one-line error naming it.
        try expectOneLineError(["simulate", "--attack", "min-max:perturbation=sideways", "--malicious", "1"], mentions: ["perturbation", "unit, std, sign"])
        try expectOneLineError(["simulate", "--attack", "model-replacement:gamma=-1", "--malicious", "1"], mentions: ["gamma"])
        try expectOneLineError(["simulate", "--attack", "fang-krum:speed=3", "--malicious", "1"], mentions: ["speed"])
        // A model too large to build is refused before anything allocates it.
        try expectOneLineError(["simulate", "--model", "mlp:100000,100000"], mentions: ["--model", "parameters"])
    }

    @Test func unwritableOutput() throws {
        try expectOneLineError(["simulate", "--rounds", "1", "--quiet", "--output", "/nonexistent/dir/run.json"], mentions: ["/nonexistent/dir/run.json"])
    }

    @Test func benchRejectsBadSizes() throws {
        try expectOneLineError(["bench", "aggregate", "--params", "lots"], mentions: ["--params"])
    }
}
