import Foundation
import FuzzSupport
@testable import Transport

/// One valid message of each kind the target reads, with its selector byte.
enum ProtoSeeds {
    static func make() throws -> [String: Data] {
        var data = Cohort_Deployment_V1_DataDescription()
        data.exampleShape = [13]
        data.task.binary = true
        data.trainingRows = 200
        data.testRows = 50
        var hello = Cohort_Deployment_V1_SiteMessage()
        hello.hello.protocolVersion = 3
        hello.hello.agentVersion = "cohort 1.0"
        hello.hello.data = data

        var header = Cohort_Deployment_V1_UpdateHeader()
        header.taskID = "t1"
        header.study = "heart"
        header.round = 2
        header.parameterCount = 8
        header.sampleCount = 120
        header.training.steps = 10
        header.training.examples = 320
        header.training.meanLoss = 0.6
        header.privacy.study = "heart"
        header.privacy.round = 2
        header.privacy.samplingRate = 0.1
        header.privacy.noiseMultiplier = 1.1
        header.privacy.steps = 10
        header.cumulativeEpsilon = 1.5
        var mask = Cohort_Deployment_V1_NamedVector()
        mask.name = "mask"
        mask.count = 8
        header.vectors = [mask]
        var headerPart = Cohort_Deployment_V1_UpdatePart()
        headerPart.header = header

        var chunk = Cohort_Deployment_V1_VectorChunk()
        chunk.vector = .delta
        chunk.offset = 4
        chunk.values = Data(repeating: 0, count: 16)
        var chunkPart = Cohort_Deployment_V1_UpdatePart()
        chunkPart.chunk = chunk

        var evaluation = Cohort_Deployment_V1_EvaluationResult()
        evaluation.taskID = "t2"
        evaluation.study = "heart"
        evaluation.round = 2
        evaluation.metrics.count = 40
        evaluation.metrics.accuracy = 0.8
        evaluation.metrics.auroc = 0.85
        evaluation.metrics.truePositives = 15
        evaluation.metrics.trueNegatives = 17
        evaluation.metrics.falsePositives = 4
        evaluation.metrics.falseNegatives = 4
        evaluation.validation.bins = 4
        evaluation.validation.attributes = ["sex"]
        var cell = Cohort_Deployment_V1_ScoreCell()
        cell.bin = 1
        cell.negatives = 3
        cell.positives = 2
        cell.probabilitySum = 1.4
        evaluation.validation.all.cells = [cell]
        var group = Cohort_Deployment_V1_GroupHistogram()
        group.attribute = "sex"
        group.value = "female"
        group.histogram.cells = [cell]
        evaluation.validation.groups = [group]

        var failure = Cohort_Deployment_V1_TaskFailure()
        failure.taskID = "t3"

        var secure = Cohort_Deployment_V1_SecureAnswerPart()
        secure.header.taskID = "t4"
        secure.header.totalBytes = 4096

        var lane = Cohort_Deployment_V1_LaneRequest()
        lane.upload = header

        var welcome = Cohort_Deployment_V1_CoordinatorMessage()
        welcome.welcome.protocolVersion = 3
        welcome.welcome.site = "site-a"
        welcome.welcome.heartbeatIntervalMs = 5000
        welcome.welcome.study.studyID = "heart"
        welcome.welcome.study.model.mlp.hidden = [8]
        welcome.welcome.study.model.mlp.activation = "relu"
        welcome.welcome.study.exampleShape = [13]
        welcome.welcome.study.task.binary = true
        welcome.welcome.study.parameterCount = 121
        welcome.welcome.study.rounds = 5

        var offer = Cohort_Deployment_V1_CoordinatorMessage()
        offer.task.taskID = "t5"
        offer.task.study = "heart"
        offer.task.round = 1
        offer.task.parameterCount = 121
        offer.task.instructions.localSteps = 5
        offer.task.instructions.batchSize = 32
        offer.task.instructions.optimizer.sgd.learningRate = 0.05
        offer.task.instructions.algorithm.name = "fedprox"
        offer.task.instructions.algorithm.parameters = ["mu": 0.01]
        var control = Cohort_Deployment_V1_NamedVector()
        control.name = "server_control"
        control.count = 121
        offer.task.vectors = [control]

        var receipt = Cohort_Deployment_V1_Receipt()
        receipt.accepted = false
        receipt.reason = "stale"

        return [
            "hello.bin": Seeds.selected(0, try hello.serializedBytes() as [UInt8]),
            "update-header.bin": Seeds.selected(1, try headerPart.serializedBytes() as [UInt8]),
            "update-chunk.bin": Seeds.selected(1, try chunkPart.serializedBytes() as [UInt8]),
            "evaluation.bin": Seeds.selected(2, try evaluation.serializedBytes() as [UInt8]),
            "failure.bin": Seeds.selected(3, try failure.serializedBytes() as [UInt8]),
            "secure-header.bin": Seeds.selected(4, try secure.serializedBytes() as [UInt8]),
            "lane-upload.bin": Seeds.selected(5, try lane.serializedBytes() as [UInt8]),
            "welcome.bin": Seeds.selected(6, try welcome.serializedBytes() as [UInt8]),
            "offer.bin": Seeds.selected(6, try offer.serializedBytes() as [UInt8]),
            "chunk.bin": Seeds.selected(7, try chunk.serializedBytes() as [UInt8]),
            "receipt.bin": Seeds.selected(8, try receipt.serializedBytes() as [UInt8]),
        ]
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    Seeds.writeIfAsked(ProtoSeeds.make)
    return 0
}
