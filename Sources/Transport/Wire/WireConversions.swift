import Federation
import Foundation
import Learning
import Studies

// Conversions between Federation's domain values and the wire messages, field for field.
// Every Float and Double crosses unchanged (protobuf float/double), so a site trains on
// exactly the instructions the coordinator's strategy produced. Every integer from the wire
// becomes an `Int` through `WireInteger`, which refuses a value outside its field's range.

/// A message from the wire that does not make sense; the text says which field.
struct MalformedMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Cohort_Deployment_V1_Task {
    init(_ task: Learning.Task) {
        self.init()
        switch task {
        case .binary: kind = .binary(true)
        case .multiclass(let classes): kind = .multiclassClasses(UInt32(classes))
        }
    }

    func domain() throws -> Learning.Task {
        switch kind {
        case .binary: return .binary
        case .multiclassClasses(let classes) where classes >= 2: return .multiclass(classes: Int(classes))
        default: throw MalformedMessage("task is neither binary nor multiclass with 2 or more classes")
        }
    }
}

/// An example's shape from the wire: positive dimensions whose product (the values of one
/// example) stays within a model's size, so no later `Shape.count` can overflow.
func shape(_ dimensions: [UInt32], field: String) throws -> Shape {
    guard !dimensions.isEmpty, dimensions.count <= 8, dimensions.allSatisfy({ $0 > 0 }) else {
        throw MalformedMessage("\(field) must list 1 to 8 positive dimensions")
    }
    _ = try dimensions.reduce(1) { product, dimension in
        try WireInteger.int(UInt64(product) * UInt64(dimension), field: "\(field) (values per example)", in: 1...StudyLimits.parameters)
    }
    return Shape(dimensions.map(Int.init))
}

extension Cohort_Deployment_V1_ModelSpec {
    init(_ spec: ModelSpec) {
        self.init()
        switch spec {
        case .logisticRegression:
            kind = .logistic(Logistic())
        case .mlp(let hidden, let activation, let dropout):
            var mlp = MLP()
            mlp.hidden = hidden.map(UInt32.init)
            mlp.activation = activation.rawValue
            mlp.dropout = dropout
            kind = .mlp(mlp)
        case .cnn(let channels, let hidden):
            var cnn = CNN()
            cnn.channels = channels.map(UInt32.init)
            cnn.hidden = UInt32(hidden)
            kind = .cnn(cnn)
        }
    }

    func domain() throws -> ModelSpec {
        switch kind {
        case .logistic: return .logisticRegression
        case .mlp(let mlp):
            guard let activation = Activation.Function(rawValue: mlp.activation) else {
                throw MalformedMessage("unknown activation '\(mlp.activation)'")
            }
            guard !mlp.hidden.isEmpty, mlp.hidden.allSatisfy({ $0 > 0 }) else { throw MalformedMessage("mlp needs positive hidden widths") }
            return .mlp(hidden: mlp.hidden.map(Int.init), activation: activation, dropout: mlp.dropout)
        case .cnn(let cnn):
            return .cnn(channels: cnn.channels.map(Int.init), hidden: Int(cnn.hidden))
        case nil:
            throw MalformedMessage("the study names no model")
        }
    }
}

extension Cohort_Deployment_V1_StudyDescription {
    init(_ study: StudyDescription) {
        self.init()
        studyID = study.studyID
        model = Cohort_Deployment_V1_ModelSpec(study.model)
        seed = study.seed
        exampleShape = study.exampleShape.dimensions.map(UInt32.init)
        task = Cohort_Deployment_V1_Task(study.task)
        parameterCount = UInt64(study.parameterCount)
        schemaSha256 = study.schemaSHA256 ?? ""
        rounds = UInt32(study.rounds)
        trainingPlan = study.trainingPlan ?? ""
    }

    func domain() throws -> StudyDescription {
        StudyDescription(
            studyID: studyID, model: try model.domain(), seed: seed,
            exampleShape: try shape(exampleShape, field: "study.example_shape"), task: try task.domain(),
            parameterCount: try WireInteger.int(parameterCount, field: "StudyDescription.parameter_count", in: 1...StudyLimits.parameters),
            schemaSHA256: schemaSha256.isEmpty ? nil : schemaSha256,
            rounds: Int(rounds), trainingPlan: trainingPlan.isEmpty ? nil : trainingPlan)
    }
}

extension Cohort_Deployment_V1_DataDescription {
    init(_ data: DataSummary) {
        self.init()
        exampleShape = data.exampleShape.dimensions.map(UInt32.init)
        task = Cohort_Deployment_V1_Task(data.task)
        trainingRows = UInt64(data.trainingRows)
        testRows = UInt64(data.testRows)
        schemaSha256 = data.schemaSHA256 ?? ""
    }

    func domain() throws -> DataSummary {
        DataSummary(
            exampleShape: try shape(exampleShape, field: "DataDescription.example_shape"), task: try task.domain(),
            trainingRows: try WireInteger.count(trainingRows, field: "DataDescription.training_rows"),
            testRows: try WireInteger.count(testRows, field: "DataDescription.test_rows"),
            schemaSHA256: schemaSha256.isEmpty ? nil : schemaSha256)
    }
}

extension Cohort_Deployment_V1_TrainingInstructions {
    /// The instructions without SCAFFOLD's vector, which travels with the task's vectors.
    init(_ instructions: TrainingInstructions) {
        self.init()
        localSteps = UInt32(instructions.localSteps)
        batchSize = UInt32(instructions.batchSize)
        var optimizer = Cohort_Deployment_V1_Optimizer()
        switch instructions.optimizer {
        case .sgd(let rate, let momentum, let decay):
            var sgd = Cohort_Deployment_V1_Optimizer.SGD()
            sgd.learningRate = rate
            sgd.momentum = momentum
            sgd.weightDecay = decay
            optimizer.kind = .sgd(sgd)
        case .adam(let rate, let beta1, let beta2, let epsilon, let decay):
            var adam = Cohort_Deployment_V1_Optimizer.Adam()
            adam.learningRate = rate
            adam.beta1 = beta1
            adam.beta2 = beta2
            adam.epsilon = epsilon
            adam.weightDecay = decay
            optimizer.kind = .adam(adam)
        }
        self.optimizer = optimizer
        if let call = instructions.algorithm {
            var wire = Cohort_Deployment_V1_AlgorithmCall()
            wire.name = call.name
            wire.parameters = call.parameters
            algorithm = wire
        }
        if let privacy = instructions.privacy {
            var wire = Cohort_Deployment_V1_LocalPrivacy()
            wire.clipNorm = privacy.clipNorm
            switch privacy.noise {
            case .multiplier(let sigma): wire.noise = .noiseMultiplier(sigma)
            case .targetEpsilon(let epsilon, let steps):
                var target = Cohort_Deployment_V1_TargetEpsilon()
                target.epsilon = epsilon
                target.plannedSteps = UInt64(steps)
                wire.noise = .targetEpsilon(target)
            }
            wire.expectedBatchSize = privacy.expectedBatchSize
            wire.delta = privacy.delta
            self.privacy = wire
        }
    }

    /// The domain instructions, with the algorithm's vectors as the task's download brought them.
    func domain(vectors: [VectorName: [Float]]) throws -> TrainingInstructions {
        let optimizer: OptimizerSpec
        switch self.optimizer.kind {
        case .sgd(let sgd): optimizer = .sgd(learningRate: sgd.learningRate, momentum: sgd.momentum, weightDecay: sgd.weightDecay)
        case .adam(let adam):
            optimizer = .adam(
                learningRate: adam.learningRate, beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon,
                weightDecay: adam.weightDecay)
        case nil: throw MalformedMessage("the instructions name no optimizer")
        }
        guard localSteps > 0, batchSize > 0 else { throw MalformedMessage("local_steps and batch_size must be positive") }
        var privacy: LocalPrivacy?
        if hasPrivacy {
            let noise: LocalPrivacy.Noise
            switch self.privacy.noise {
            case .noiseMultiplier(let sigma): noise = .multiplier(sigma)
            case .targetEpsilon(let target):
                noise = .targetEpsilon(target.epsilon, plannedSteps: try WireInteger.count(target.plannedSteps, field: "TargetEpsilon.planned_steps"))
            case nil: throw MalformedMessage("privacy without a noise setting")
            }
            privacy = LocalPrivacy(
                clipNorm: self.privacy.clipNorm, noise: noise, expectedBatchSize: self.privacy.expectedBatchSize,
                delta: self.privacy.delta)
        }
        var call: AlgorithmCall?
        if hasAlgorithm {
            guard !algorithm.name.isEmpty else { throw MalformedMessage("the instructions' algorithm has no name") }
            call = AlgorithmCall(algorithm.name, parameters: algorithm.parameters, vectors: vectors.filter { $0.key != .globalParameters })
        } else if vectors.keys.contains(where: { $0 != .globalParameters }) {
            throw MalformedMessage("the task sends an algorithm's vectors but its instructions name no algorithm")
        }
        return TrainingInstructions(
            localSteps: Int(localSteps), batchSize: Int(batchSize), optimizer: optimizer, algorithm: call,
            privacy: privacy)
    }
}

extension Cohort_Deployment_V1_Metrics {
    init(_ metrics: EvaluationMetrics) {
        self.init()
        count = UInt64(metrics.count)
        accuracy = metrics.accuracy
        if let auroc = metrics.auroc { self.auroc = auroc }
        logLoss = metrics.logLoss
        truePositives = UInt64(metrics.confusion.truePositives)
        falsePositives = UInt64(metrics.confusion.falsePositives)
        trueNegatives = UInt64(metrics.confusion.trueNegatives)
        falseNegatives = UInt64(metrics.confusion.falseNegatives)
    }

    func domain() throws(WireInteger.OutOfRange) -> EvaluationMetrics {
        var confusion = ConfusionCounts()
        confusion.truePositives = try WireInteger.count(truePositives, field: "Metrics.true_positives")
        confusion.falsePositives = try WireInteger.count(falsePositives, field: "Metrics.false_positives")
        confusion.trueNegatives = try WireInteger.count(trueNegatives, field: "Metrics.true_negatives")
        confusion.falseNegatives = try WireInteger.count(falseNegatives, field: "Metrics.false_negatives")
        return EvaluationMetrics(
            count: try WireInteger.count(count, field: "Metrics.count"), accuracy: accuracy,
            auroc: hasAuroc ? auroc : nil, logLoss: logLoss, confusion: confusion)
    }
}

extension Cohort_Deployment_V1_TrainingSummary {
    init(_ summary: TrainingSummary) {
        self.init()
        steps = UInt64(summary.steps)
        examples = UInt64(summary.examples)
        meanLoss = summary.meanLoss
    }

    func domain() throws(WireInteger.OutOfRange) -> TrainingSummary {
        TrainingSummary(
            steps: try WireInteger.count(steps, field: "TrainingSummary.steps"),
            examples: try WireInteger.count(examples, field: "TrainingSummary.examples"), meanLoss: meanLoss)
    }
}

extension Cohort_Deployment_V1_PrivacySpend {
    init(_ spend: PrivacySpend) {
        self.init()
        study = spend.study
        round = UInt32(spend.round)
        samplingRate = spend.samplingRate
        noiseMultiplier = spend.noiseMultiplier
        steps = UInt64(spend.steps)
    }

    func domain() throws(WireInteger.OutOfRange) -> PrivacySpend {
        PrivacySpend(
            study: study, round: Int(round), samplingRate: samplingRate, noiseMultiplier: noiseMultiplier,
            steps: try WireInteger.count(steps, field: "PrivacySpend.steps"))
    }
}

extension VectorName {
    /// The protocol's `VectorKind` for the names it has one for (unspecified otherwise).
    var wire: Cohort_Deployment_V1_VectorKind {
        WireVectorNames.byKind.first { $0.value == self }?.key ?? .unspecified
    }
}

extension Cohort_Deployment_V1_NamedVector {
    init(_ name: VectorName, count: Int) {
        self.init()
        self.name = name.rawValue
        self.count = UInt64(count)
    }
}

extension Cohort_Deployment_V1_CoordinatorMessage {
    static func offer(_ task: OpenTask, secondsLeft: Double) -> Self {
        var offer = Cohort_Deployment_V1_TaskOffer()
        offer.taskID = task.id
        switch task.kind {
        case .train: offer.kind = .train
        case .evaluate: offer.kind = .evaluate
        case .secureAggregation: offer.kind = .secureAggregation
        }
        offer.sealed = task.sealed
        offer.secureMessage = Data(task.secureMessage)
        offer.validationBins = UInt32(clamping: task.validationBins ?? 0)
        if let head = task.coordinatorTrailHead { offer.coordinatorTrailHead = Cohort_Deployment_V1_TrailHead(head) }
        offer.study = task.study
        offer.round = UInt32(task.round)
        offer.parameterCount = UInt64(task.parameterCount)
        offer.vectors = task.vectors.dropFirst().map { Cohort_Deployment_V1_NamedVector($0.kind, count: $0.values.count) }
        offer.payloadChecksum = task.checksum
        if let instructions = task.instructions { offer.instructions = Cohort_Deployment_V1_TrainingInstructions(instructions) }
        offer.secondsToDeadline = secondsLeft
        var message = Self()
        message.body = .task(offer)
        return message
    }

    static func withdrawn(_ id: String, reason: WithdrawalReason, round: Int) -> Self {
        var notice = Cohort_Deployment_V1_TaskWithdrawn()
        notice.taskID = id
        switch reason {
        case .deadlinePassed:
            notice.reason = .deadlinePassed
            notice.detail = "round \(round)'s deadline passed before your answer arrived; you are left out of this round and will be offered work in the next"
        case .roundClosed:
            notice.reason = .roundClosed
            notice.detail = "round \(round) closed"
        }
        var message = Self()
        message.body = .withdrawn(notice)
        return message
    }
}

extension Cohort_Deployment_V1_ValidationStatistics {
    /// Sex, age bands, race and ethnicity categories fit many times over; a site sending more
    /// is refused rather than allowed to grow the coordinator's records without bound.
    static let maximumGroups = 256

    init(_ statistics: ValidationStatistics) {
        self.init()
        bins = UInt32(clamping: statistics.binCount)
        attributes = statistics.attributes.map(\.rawValue)
        all = Cohort_Deployment_V1_ScoreHistogram(statistics.all)
        groups = statistics.groups.map { group in
            var message = Cohort_Deployment_V1_GroupHistogram()
            message.attribute = group.group.attribute.rawValue
            message.value = group.group.value
            message.histogram = Cohort_Deployment_V1_ScoreHistogram(group.histogram)
            return message
        }
    }

    /// The statistics a site returned, checked: on the bins the task asked for (a site that
    /// was not asked has nothing to send), every histogram well formed, known attributes.
    func domain(asked: Int?) throws -> ValidationStatistics {
        guard let asked else { throw MalformedMessage("validation statistics were not asked for in this task") }
        guard Int(bins) == asked else { throw MalformedMessage("validation statistics on \(bins) bins; the task asked for \(asked)") }
        let recorded = try attributes.map { name in
            guard let attribute = PatientAttribute(rawValue: name) else { throw MalformedMessage("unknown patient attribute '\(name)'") }
            return attribute
        }
        guard groups.count <= Self.maximumGroups else {
            throw MalformedMessage("\(groups.count) patient groups; at most \(Self.maximumGroups) are accepted")
        }
        do {
            let parsed = try groups.map { group in
                guard let attribute = PatientAttribute(rawValue: group.attribute) else {
                    throw MalformedMessage("unknown patient attribute '\(group.attribute)'")
                }
                return ValidationStatistics.Group(group: PatientGroup(attribute, group.value), histogram: try group.histogram.domain(bins: asked))
            }
            return try ValidationStatistics(binCount: asked, attributes: recorded, all: try all.domain(bins: asked), groups: parsed)
        } catch let error as ValidationStatisticsError {
            throw MalformedMessage(error.description)
        }
    }
}

extension Cohort_Deployment_V1_ScoreHistogram {
    init(_ histogram: ScoreHistogram) {
        self.init()
        cells = histogram.cells.map { cell in
            var message = Cohort_Deployment_V1_ScoreCell()
            message.bin = UInt32(cell.bin)
            message.negatives = UInt64(cell.negatives)
            message.positives = UInt64(cell.positives)
            message.negativeLogitSum = cell.negativeLogitSum
            message.positiveLogitSum = cell.positiveLogitSum
            message.probabilitySum = cell.probabilitySum
            return message
        }
    }

    func domain(bins: Int) throws(ValidationStatisticsError) -> ScoreHistogram {
        let limit = UInt64(Int32.max)
        guard cells.allSatisfy({ $0.negatives <= limit && $0.positives <= limit }) else {
            throw .malformed("a histogram count exceeds \(limit)")
        }
        return try ScoreHistogram(
            binCount: bins,
            cells: cells.map { cell in
                ScoreHistogram.Cell(
                    bin: Int(cell.bin), negatives: Int(cell.negatives), positives: Int(cell.positives),
                    negativeLogitSum: cell.negativeLogitSum, positiveLogitSum: cell.positiveLogitSum,
                    probabilitySum: cell.probabilitySum)
            })
    }
}
