import Federation
import Foundation
import Learning
import Synchronization

/// A site without data, for benchmarks and transport tests: it answers every training task
/// at once with the same fixed update (shared, never copied, so many of them in one process
/// cost one model's memory), and may drop the global parameters unread.
public struct SyntheticWorker: SiteWorker {
    public let data: DataSummary
    public let needsGlobalParameters: Bool
    private let delta: [Float]
    private let sampleCount: Int

    /// `delta` is every update's change; `keepsParameters` false checks the downloaded model's
    /// checksum and drops it (the site then holds no copy of the model).
    public init(delta: [Float], exampleShape: Shape, sampleCount: Int = 100, keepsParameters: Bool = false) {
        self.delta = delta
        self.sampleCount = sampleCount
        needsGlobalParameters = keepsParameters
        data = DataSummary(exampleShape: exampleShape, task: .binary, trainingRows: sampleCount, testRows: sampleCount, schemaSHA256: nil)
    }

    public func join(_ study: StudyDescription, as site: SiteID) async throws {
        guard study.parameterCount == delta.count else {
            throw SiteAgentError.cannotJoin("the study's model has \(study.parameterCount) parameters, this synthetic site \(delta.count)")
        }
        siteName.withLock { $0 = site }
    }

    private let siteName = LockedSite()

    public func train(_ request: TrainingRequest) async throws -> SiteUpdate {
        if needsGlobalParameters && request.globalParameters.count != delta.count {
            throw SiteAgentError.outOfOrder("received \(request.globalParameters.count) parameters, expected \(delta.count)")
        }
        return SiteUpdate(
            study: request.study, site: siteName.withLock { $0 }, round: request.round, delta: delta,
            sampleCount: sampleCount, training: TrainingSummary(steps: 1, examples: sampleCount, meanLoss: 0))
    }

    public func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport {
        EvaluationReport(
            site: siteName.withLock { $0 }, round: request.round,
            metrics: EvaluationMetrics(count: sampleCount, accuracy: 0.5, auroc: nil, logLoss: 0.69, confusion: ConfusionCounts()))
    }
}

/// The site's name, set when it joins.
final class LockedSite: Sendable {
    private let value = Mutex(SiteID("unjoined"))
    func withLock<Result>(_ body: (inout SiteID) -> Result) -> Result { value.withLock { body(&$0) } }
}
