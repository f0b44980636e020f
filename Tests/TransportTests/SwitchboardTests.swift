import Federation
import Learning
import Foundation
import Testing
@testable import Transport

@Suite("Switchboard")
struct SwitchboardTests {
    static func task(_ id: String, round: Int = 3) -> OpenTask {
        OpenTask(id: id, site: "alpha", kind: .evaluate, study: "s", round: round, parameterCount: 0, vectors: [], checksum: 0,
                 instructions: nil, deadline: .now + .seconds(60))
    }

    static let report = EvaluationReport(site: "alpha", round: 3,
                                         metrics: EvaluationMetrics(count: 10, accuracy: 0.5, auroc: nil, logLoss: 0.69, confusion: ConfusionCounts()))

    /// A switchboard with site alpha connected (its offers go to a stream nobody reads).
    static func connectedBoard() async -> Switchboard {
        let board = Switchboard(limits: ProtocolLimits(), log: .silent, events: { _ in })
        let (_, outbound) = AsyncStream.makeStream(of: Cohort_Deployment_V1_CoordinatorMessage.self)
        _ = await board.attach("alpha", data: DataSummary(exampleShape: Shape([1]), task: .binary, trainingRows: 1, testRows: 1,
                                                          schemaSHA256: nil), outbound: outbound)
        return board
    }

    @Test("an answer whose task closed while it arrived is refused with the reason, not accepted")
    func answerAfterTheDeadline() async throws {
        let board = await Self.connectedBoard()
        await board.open(Self.task("t1"))
        guard case .success = await board.claim("t1", by: "alpha", kind: .evaluate) else { Issue.record("claim refused"); return }
        // The deadline passes while the answer is being received.
        await board.withdraw("t1", reason: .deadlinePassed)
        guard case .failure(let refusal) = await board.complete("t1", with: .evaluation(Self.report)) else {
            Issue.record("a withdrawn task's answer was accepted")
            return
        }
        #expect(refusal == .late(round: 3))
        // A second answer to the same, closed task says the same.
        guard case .failure(let again) = await board.claim("t1", by: "alpha", kind: .evaluate) else { Issue.record("claimed twice"); return }
        #expect(again == .late(round: 3))
    }

    @Test("an answer to an open, claimed task completes it once; a replay is refused")
    func answerInTime() async throws {
        let board = await Self.connectedBoard()
        await board.open(Self.task("t2"))
        guard case .success = await board.claim("t2", by: "alpha", kind: .evaluate) else { Issue.record("claim refused"); return }
        guard case .success = await board.complete("t2", with: .evaluation(Self.report)) else { Issue.record("refused in time"); return }
        guard case .failure(let replay) = await board.complete("t2", with: .evaluation(Self.report)) else { Issue.record("completed twice"); return }
        #expect(replay == .replayed(round: 3))
    }
}
