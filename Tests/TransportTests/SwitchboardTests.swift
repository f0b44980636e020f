import Federation
import Foundation
import Learning
import Testing

@testable import Transport

@Suite("Switchboard")
struct SwitchboardTests {
    static func task(_ id: String, round: Int = 3) -> OpenTask {
        OpenTask(
            id: id, site: "alpha", kind: .evaluate, study: "s", round: round, parameterCount: 0, vectors: [], checksum: 0,
            instructions: nil, deadline: .now + .seconds(60))
    }

    static let report = EvaluationReport(
        site: "alpha", round: 3,
        metrics: EvaluationMetrics(count: 10, accuracy: 0.5, auroc: nil, logLoss: 0.69, confusion: ConfusionCounts()))

    /// A switchboard with site alpha connected (its offers go to a stream nobody reads).
    static func connectedBoard() async -> Switchboard {
        let board = Switchboard(limits: ProtocolLimits(), log: .silent, events: { _ in })
        let (_, outbound) = AsyncStream.makeStream(of: Cohort_Deployment_V1_CoordinatorMessage.self)
        _ = await board.attach(
            "alpha",
            data: DataSummary(
                exampleShape: Shape([1]), task: .binary, trainingRows: 1, testRows: 1,
                schemaSHA256: nil), outbound: outbound)
        return board
    }

    @Test("an answer whose task closed while it arrived is refused with the reason, not accepted")
    func answerAfterTheDeadline() async throws {
        let board = await Self.connectedBoard()
        await board.open(Self.task("t1"))
        guard case .success = await board.claim("t1", by: "alpha", kind: .evaluate) else {
            Issue.record("claim refused")
            return
        }
        // The deadline passes while the answer is being received.
        await board.withdraw("t1", reason: .deadlinePassed)
        guard case .failure(let refusal) = await board.complete("t1", with: .evaluation(Self.report)) else {
            Issue.record("a withdrawn task's answer was accepted")
            return
        }
        #expect(refusal == .late(round: 3))
        // A second answer to the same, closed task says the same.
        guard case .failure(let again) = await board.claim("t1", by: "alpha", kind: .evaluate) else {
            Issue.record("claimed twice")
            return
        }
        #expect(again == .late(round: 3))
    }

    @Test("an answer to an open, claimed task completes it once; a replay is refused")
    func answerInTime() async throws {
        let board = await Self.connectedBoard()
        await board.open(Self.task("t2"))
        guard case .success = await board.claim("t2", by: "alpha", kind: .evaluate) else {
            Issue.record("claim refused")
            return
        }
        guard case .success = await board.complete("t2", with: .evaluation(Self.report)) else {
            Issue.record("refused in time")
            return
        }
        guard case .failure(let replay) = await board.complete("t2", with: .evaluation(Self.report)) else {
            Issue.record("completed twice")
            return
        }
        #expect(replay == .replayed(round: 3))
    }
}

@Suite("Update intake")
struct UpdateIntakeTests {
    @Test("an update the coordinator cannot spool fails its task at once, with the reason, instead of waiting for a resend")
    func unstorableUpdate() async throws {
        let board = await SwitchboardTests.connectedBoard()
        await board.open(
            OpenTask(
                id: "t", site: "alpha", kind: .train, study: "s", round: 1, parameterCount: 8, vectors: [],
                checksum: 0, instructions: nil, deadline: .now + .seconds(60)))
        let answer = Task {
            try await withCheckedThrowingContinuation { continuation in
                Task { await board.wait(for: "t", continuation: continuation) }
            }
        }
        // Bounded: without an answer in 10 s the task is withdrawn, and the check below fails.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            await board.withdraw("t", reason: .deadlinePassed)
        }
        defer { watchdog.cancel() }

        var limits = ProtocolLimits()
        limits.spillBytes = 16  // the update's 32 bytes go to a spool file
        let lines = LogLines()
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-no-such-spool-\(UUID().uuidString)")
        let intake = UpdateIntake(switchboard: board, limits: limits, log: lines.log("coordinator"), spoolDirectory: missing)
        var header = Cohort_Deployment_V1_UpdateHeader()
        header.taskID = "t"
        header.study = "s"
        header.round = 1
        header.parameterCount = 8
        header.sampleCount = 1  // within the 1 training row alpha declared
        var read = false
        let receipt = await intake.accept(header, from: "alpha", via: .grpc) { _ in read = true }

        #expect(!read, "nothing is read once the update cannot be kept")
        #expect(!receipt.accepted)
        #expect(receipt.reason.contains("the coordinator could not store the update") && receipt.reason.contains(missing.path), "\(receipt.reason)")
        do {
            _ = try await answer.value
            Issue.record("the task was answered")
        } catch let error as SiteError {
            #expect("\(error)".contains("could not store the update"))
        } catch {
            Issue.record("the round was told \(error), not why the update is missing")
        }
        #expect(lines.all.contains { $0.contains("update-not-stored") && $0.contains("site=alpha") && $0.contains(missing.path) })
    }
}
