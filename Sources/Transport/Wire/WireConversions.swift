import Federation
import Foundation
import Learning

// Conversions between Federation's domain values and the wire messages, field for field.
// Every Float and Double crosses unchanged (protobuf float/double), so a site trains on
// exactly the instructions the coordinator's strategy produced.


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

func shape(_ dimensions: [UInt32], field: String) throws -> Shape {
    guard !dimensions.isEmpty, dimensions.allSatisfy({ $0 > 0 }) else {
        throw MalformedMessage("\(field) must list positive dimensions")
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
        StudyDescription(studyID: studyID, model: try model.domain(), seed: seed,
                         exampleShape: try shape(exampleShape, field: "study.example_shape"), task: try task.domain(),
                         parameterCount: Int(parameterCount), schemaSHA256: schemaSha256.isEmpty ? nil : schemaSha256,
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
        DataSummary(exampleShape: try shape(exampleShape, field: "data.example_shape"), task: try task.domain(),
                    trainingRows: Int(trainingRows), testRows: Int(testRows), schemaSHA256: schemaSha256.isEmpty ? nil : schemaSha256)
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
        proximalMu = instructions.proximalMu
        scaffold = instructions.serverControl != nil
        if let lockdown = instructions.lockdown {
            var wire = Cohort_Deployment_V1_Lockdown()
            wire.density = lockdown.density
            wire.rate = lockdown.rate
            wire.maskSeed = lockdown.maskSeed
            self.lockdown = wire
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

    /// The domain instructions; `serverControl` is SCAFFOLD's vector (nil otherwise).
    func domain(serverControl: [Float]?) throws -> TrainingInstructions {
        let optimizer: OptimizerSpec
        switch self.optimizer.kind {
        case .sgd(let sgd): optimizer = .sgd(learningRate: sgd.learningRate, momentum: sgd.momentum, weightDecay: sgd.weightDecay)
        case .adam(let adam):
            optimizer = .adam(learningRate: adam.learningRate, beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon,
                              weightDecay: adam.weightDecay)
        case nil: throw MalformedMessage("the instructions name no optimizer")
        }
        guard localSteps > 0, batchSize > 0 else { throw MalformedMessage("local_steps and batch_size must be positive") }
        var privacy: LocalPrivacy?
        if hasPrivacy {
            let noise: LocalPrivacy.Noise
            switch self.privacy.noise {
            case .noiseMultiplier(let sigma): noise = .multiplier(sigma)
            case .targetEpsilon(let target): noise = .targetEpsilon(target.epsilon, plannedSteps: Int(target.plannedSteps))
            case nil: throw MalformedMessage("privacy without a noise setting")
            }
            privacy = LocalPrivacy(clipNorm: self.privacy.clipNorm, noise: noise, expectedBatchSize: self.privacy.expectedBatchSize,
                                   delta: self.privacy.delta)
        }
        return TrainingInstructions(
            localSteps: Int(localSteps), batchSize: Int(batchSize), optimizer: optimizer, proximalMu: proximalMu,
            serverControl: scaffold ? (serverControl ?? []) : nil,
            lockdown: hasLockdown ? LockdownInstructions(density: lockdown.density, rate: lockdown.rate, maskSeed: lockdown.maskSeed) : nil,
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

    func domain() -> EvaluationMetrics {
        var confusion = ConfusionCounts()
        confusion.truePositives = Int(truePositives)
        confusion.falsePositives = Int(falsePositives)
        confusion.trueNegatives = Int(trueNegatives)
        confusion.falseNegatives = Int(falseNegatives)
        return EvaluationMetrics(count: Int(count), accuracy: accuracy, auroc: hasAuroc ? auroc : nil, logLoss: logLoss, confusion: confusion)
    }
}

extension Cohort_Deployment_V1_TrainingSummary {
    init(_ summary: TrainingSummary) {
        self.init()
        steps = UInt64(summary.steps)
        examples = UInt64(summary.examples)
        meanLoss = summary.meanLoss
    }

    func domain() -> TrainingSummary {
        TrainingSummary(steps: Int(steps), examples: Int(examples), meanLoss: meanLoss)
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

    func domain() -> PrivacySpend {
        PrivacySpend(study: study, round: Int(round), samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: Int(steps))
    }
}

extension VectorKind {
    var wire: Cohort_Deployment_V1_VectorKind {
        switch self {
        case .globalParameters: .globalParameters
        case .serverControl: .serverControl
        case .delta: .delta
        case .controlDelta: .controlDelta
        case .mask: .mask
        }
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
        offer.study = task.study
        offer.round = UInt32(task.round)
        offer.parameterCount = UInt64(task.parameterCount)
        offer.serverControlCount = UInt64(task.vectors.first { $0.kind == .serverControl }?.values.count ?? 0)
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
