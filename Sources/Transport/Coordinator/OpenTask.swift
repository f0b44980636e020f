import Federation
import Foundation

/// What the coordinator asks of a site.
enum TaskKind: Sendable, Equatable {
    case train
    case evaluate
    /// A stage message of the round's secure aggregation.
    case secureAggregation
}

/// What comes back for a task.
enum TaskAnswer: Sendable {
    case update(ReceivedUpdate)
    case evaluation(EvaluationReport)
    /// A site's answer to a secure-aggregation stage message.
    case secureMessage([UInt8])
}

/// A received update: its header fields, with its vectors in memory or still on disk.
struct ReceivedUpdate: Sendable {
    /// The update without its vectors.
    var header: SiteUpdate
    var vectors: AssembledVectors

    /// The update for the coordinator: its vectors in memory, or (spooled) deferred, to be
    /// read back chunk by chunk as the coordinator checks and folds them.
    func delivered() -> SiteUpdate {
        var update = header
        switch vectors {
        case .resident(let loaded):
            update.delta = loaded[.delta] ?? []
            update.vectors = loaded.filter { $0.key != .delta }
        case .spooled(let spool, let layout):
            update.delta = []
            update.deferred = SpooledVectors(spool: spool, layout: layout)
        }
        return update
    }
}

/// A named vector a task or an update carries.
struct TaskVector: Sendable {
    var kind: VectorKind
    var values: [Float]
}

/// A vector on the wire: by name (`VectorChunk.name`, `NamedVector`), so the protocol carries
/// any algorithm's vectors without a field for each.
typealias VectorKind = VectorName

extension VectorName {
    /// The model a task sends (DownloadTask's first vector).
    static let globalParameters: VectorName = "global"
}

/// A task offered to a site and not yet answered, withdrawn or failed.
struct OpenTask: Sendable {
    let id: String
    let site: SiteID
    let kind: TaskKind
    let study: String
    let round: Int
    let parameterCount: Int
    /// Sent with DownloadTask, in order; shares storage with the coordinator's arrays.
    let vectors: [TaskVector]
    let checksum: UInt64
    /// TRAIN: the instructions (without the algorithm's vectors, which follow the model in `vectors`).
    let instructions: TrainingInstructions?
    /// TRAIN: what the answer must carry beside its delta, as the strategy declares it.
    var expectedVectors: [VectorDeclaration] = []
    let deadline: ContinuousClock.Instant
    /// TRAIN under secure aggregation: the site keeps its update and answers with its header.
    var sealed = false
    /// SECURE_AGGREGATION: the stage message for the site.
    var secureMessage: [UInt8] = []
    /// EVALUATE: the bins of the validation statistics asked for (nil: none asked).
    var validationBins: Int?
    /// TRAIN: the coordinator's trail head when it offered the task (witnessed trails).
    var coordinatorTrailHead: TrailHead?
    /// An upload for it is being received (a second one is a duplicate).
    var receiving = false

}

/// How a task ended, remembered to explain a late or repeated answer.
enum TaskOutcome: Sendable {
    case answered(round: Int)
    case withdrawn(round: Int)
    case failed(round: Int)
}
