import CohortTestSupport
import Foundation
import Testing

/// `cohort bench defenses` on the bundled heart-disease data: attacks named with their
/// parameters (commas included) become rows of their own, and each row's cells are real runs.
@Suite struct DefenseMatrixCommandTests {
    @Test func attacksWithParametersAreRowsOfTheirOwn() throws {
        let output = try CohortBinary.run([
            "bench", "defenses", "--seeds", "42", "--defenses", "fedavg,median",
            "--attacks", "none,model-replacement:gamma=2,from=14,min-max:agr=tailored"
        ])
        #expect(output.status == 0, "stderr: \(output.standardError)")
        let rows = output.standardOutput.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| ---") }
        let names = rows.dropFirst().map { $0.split(separator: "|").first!.trimmingCharacters(in: .whitespaces) }
        #expect(names == ["none", "model-replacement:gamma=2,from=14", "min-max:agr=tailored"])
        // The backdoor row reports its success rate; every cell holds a number.
        #expect(rows[2].contains("ASR"))
        #expect(!output.standardOutput.contains("n/a"))
    }

    @Test func aBadAttackParameterIsRefusedBeforeAnyRun() throws {
        let output = try CohortBinary.run(["bench", "defenses", "--attacks", "none,model-replacement:gamma=2,from=0"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("from"), "stderr: \(output.standardError)")
    }
}
