import CohortTestSupport
import Federation
import Foundation
import GRPCCore
import Learning
import NIOCore
import Testing

@testable import Transport

/// An admitted site that sends every integer field of every message a site sends at the values
/// that break unchecked conversions (`Int(someUInt64)` traps past `Int.max`, and a trap in the
/// coordinator would end every site's study). Each out-of-range value is refused with its
/// field's name; the coordinator stays up and the honest sites finish the study.
@Suite("Hostile integers", .serialized)
struct HostileIntegerTests {
    /// 0, 2^31, 2^32, 2^53, 2^63 and UInt64.max (-1 in two's complement: every integer of the
    /// protocol is unsigned, so this is the "-1" a signed reader would see).
    static let values: [UInt64] = [0, 1 << 31, 1 << 32, 1 << 53, 1 << 63, .max]
    /// The same for 32-bit fields, as far as they hold: 0, 2^31 and 2^32 - 1.
    static let values32: [UInt32] = [0, 1 << 31, .max]
    /// Above this, a count is out of range (`WireInteger.largestCount`).
    static let largestCount = UInt64(WireInteger.largestCount)

    /// One hostile answer: a field set to a value, and what its receipt must say (nil: it may be
    /// accepted, a count within range).
    struct Hostile: Sendable, CustomStringConvertible {
        var field: String
        var value: UInt64
        var expected: String?
        var description: String { "\(field)=\(value)" }
    }

    /// A training answer's fields: the header's, its summary's, its privacy spend's, and the
    /// first chunk's offset.
    static var trainingAnswers: [Hostile] {
        var answers: [Hostile] = []
        for value in values32 { answers.append(Hostile(field: "UpdateHeader.round", value: UInt64(value), expected: "stale")) }
        for value in values {
            answers.append(Hostile(field: "UpdateHeader.parameter_count", value: value, expected: "wrong shape"))
            answers.append(
                Hostile(
                    field: "UpdateHeader.sample_count", value: value,
                    expected: value == 0 ? "zero examples" : "UpdateHeader.sample_count is \(value)"))
            for field in ["TrainingSummary.steps", "TrainingSummary.examples", "PrivacySpend.steps"] {
                answers.append(Hostile(field: field, value: value, expected: value > largestCount ? "\(field) is \(value)" : nil))
            }
            answers.append(
                Hostile(
                    field: "UpdateHeader.trail_head.sequence", value: value,
                    expected: value == 0 || value > UInt64(Int.max) ? "UpdateHeader.trail_head.sequence is \(value)" : nil))
            answers.append(
                Hostile(
                    field: "VectorChunk.offset", value: value,
                    expected: value == 0 ? nil : value > UInt64(Int.max) ? "VectorChunk.offset is \(value)" : "out of order"))
        }
        for value in values32 { answers.append(Hostile(field: "PrivacySpend.round", value: UInt64(value), expected: nil)) }
        return answers
    }

    /// An evaluation answer's fields.
    static var evaluationAnswers: [Hostile] {
        var answers = values32.map { Hostile(field: "EvaluationResult.round", value: UInt64($0), expected: "stale") }
        for value in values {
            answers.append(
                Hostile(
                    field: "EvaluationResult.trail_head.sequence", value: value,
                    expected: value == 0 || value > UInt64(Int.max) ? "EvaluationResult.trail_head.sequence is \(value)" : nil))
        }
        for field in ["count", "true_positives", "false_positives", "true_negatives", "false_negatives"] {
            for value in values {
                var expected = value > largestCount ? "Metrics.\(field) is \(value)" : nil
                // A count is the report's weight: at most the 60 rows north declared (40 + 20).
                if field == "count" && value > 60 && value <= largestCount { expected = "more than the 60 rows site north declared" }
                answers.append(Hostile(field: "Metrics.\(field)", value: value, expected: expected))
            }
        }
        return answers
    }

    /// Sends `offer`'s honest update with `hostile` applied; returns the receipt.
    static func answer(_ offer: RawSite.Offer, with hostile: Hostile, link: CoordinatorLink) async throws -> Cohort_Deployment_V1_Receipt {
        var (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(RawSite.update(for: offer, site: "north"), task: offer.taskID)
        var offset: UInt64?
        switch hostile.field {
        case "UpdateHeader.round": header.round = UInt32(hostile.value)
        case "UpdateHeader.parameter_count": header.parameterCount = hostile.value
        case "UpdateHeader.sample_count": header.sampleCount = hostile.value
        case "TrainingSummary.steps": header.training.steps = hostile.value
        case "TrainingSummary.examples": header.training.examples = hostile.value
        case "PrivacySpend.steps":
            header.privacy.study = offer.study
            header.privacy.steps = hostile.value
        case "PrivacySpend.round":
            header.privacy.study = offer.study
            header.privacy.round = UInt32(hostile.value)
        case "UpdateHeader.trail_head.sequence":
            header.trailHead.sequence = hostile.value
            header.trailHead.entryHash = String(repeating: "ab", count: 32)
        case "VectorChunk.offset": offset = hostile.value
        default: Issue.record("no such training field \(hostile.field)")
        }
        let sent = header, chunks = vectors, firstOffset = offset
        return try await link.client.uploadUpdate(options: CoordinatorLink.options(timeout: 30)) { writer in
            var first = Cohort_Deployment_V1_UpdatePart()
            first.body = .header(sent)
            try await writer.write(first)
            var tampered = false
            try await VectorChunks.send(chunks, chunkBytes: 1 << 20) { chunk in
                var part = Cohort_Deployment_V1_UpdatePart()
                var chunk = chunk
                if let firstOffset, !tampered {
                    chunk.offset = firstOffset
                    tampered = true
                }
                part.body = .chunk(chunk)
                try await writer.write(part)
            }
        }
    }

    static func report(_ offer: RawSite.Offer, with hostile: Hostile, link: CoordinatorLink) async throws -> Cohort_Deployment_V1_Receipt {
        var result = Cohort_Deployment_V1_EvaluationResult()
        result.taskID = offer.taskID
        result.study = offer.study
        result.round = offer.round
        result.metrics.count = 20
        result.metrics.accuracy = 0.5
        result.metrics.truePositives = 5
        result.metrics.falsePositives = 5
        result.metrics.trueNegatives = 5
        result.metrics.falseNegatives = 5
        switch hostile.field {
        case "EvaluationResult.round": result.round = UInt32(hostile.value)
        case "EvaluationResult.trail_head.sequence":
            result.trailHead.sequence = hostile.value
            result.trailHead.entryHash = String(repeating: "ab", count: 32)
        case "Metrics.count": result.metrics.count = hostile.value
        case "Metrics.true_positives": result.metrics.truePositives = hostile.value
        case "Metrics.false_positives": result.metrics.falsePositives = hostile.value
        case "Metrics.true_negatives": result.metrics.trueNegatives = hostile.value
        case "Metrics.false_negatives": result.metrics.falseNegatives = hostile.value
        default: Issue.record("no such evaluation field \(hostile.field)")
        }
        return try await link.client.reportEvaluation(result, options: CoordinatorLink.options(timeout: 30))
    }

    /// Answers a secure-aggregation stage announcing `total` bytes and sending three.
    static func secureAnswer(_ offer: RawSite.Offer, total: UInt64, link: CoordinatorLink) async throws -> Cohort_Deployment_V1_Receipt {
        try await link.client.answerSecureAggregation(options: CoordinatorLink.options(timeout: 30)) { writer in
            var header = Cohort_Deployment_V1_SecureAnswerHeader()
            header.taskID = offer.taskID
            header.totalBytes = total
            var first = Cohort_Deployment_V1_SecureAnswerPart()
            first.body = .header(header)
            try await writer.write(first)
            var chunk = Cohort_Deployment_V1_SecureAnswerPart()
            chunk.body = .chunk(Data([1, 2, 3]))
            try await writer.write(chunk)
        }
    }

    /// Opens a control channel with `hello` and returns the coordinator's first word: "welcome"
    /// or the error it closed the channel with.
    static func greet(_ hello: Cohort_Deployment_V1_Hello, at address: NetworkAddress, credentials: Credentials) async -> String {
        do {
            return try await CoordinatorLink.with(address, credentials: credentials) { link in
                try await link.client.attend(options: CoordinatorLink.options(timeout: 10)) { writer in
                    var first = Cohort_Deployment_V1_SiteMessage()
                    first.body = .hello(hello)
                    try await writer.write(first)
                } onResponse: { response in
                    for try await message in response.messages {
                        if case .welcome = message.body { return "welcome" }
                    }
                    return "closed"
                }
            }
        } catch {
            return "\(error)"
        }
    }

    /// Hellos with every integer of Hello and DataDescription at every value.
    static func hostileHellos(honest data: DataSummary) -> [(field: String, value: UInt64, hello: Cohort_Deployment_V1_Hello)] {
        var honest = Cohort_Deployment_V1_Hello()
        honest.protocolVersion = 1
        honest.agentVersion = "hostile test site"
        honest.data = Cohort_Deployment_V1_DataDescription(data)
        var hellos: [(String, UInt64, Cohort_Deployment_V1_Hello)] = []
        for value in values32 {
            var hello = honest
            hello.protocolVersion = value
            hellos.append(("Hello.protocol_version", UInt64(value), hello))
            hello = honest
            hello.data.exampleShape = [value, value, value]
            hellos.append(("DataDescription.example_shape", UInt64(value), hello))
            hello = honest
            hello.data.task.multiclassClasses = value
            hellos.append(("Task.multiclass_classes", UInt64(value), hello))
        }
        for value in values {
            for field in ["DataDescription.training_rows", "DataDescription.test_rows"] {
                var hello = honest
                if field.hasSuffix("training_rows") { hello.data.trainingRows = value } else { hello.data.testRows = value }
                hellos.append((field, value, hello))
            }
        }
        return hellos
    }

    @Test("every integer a site sends, at 0, 2^31, 2^32, 2^53, 2^63 and UInt64.max: refused with its field, and the study completes")
    func hostileSite() async throws {
        let names = ["north", "south", "west"]
        let data = SyntheticSites.make(names, rows: 40, seed: 7)
        let training = Self.trainingAnswers
        let evaluation = Self.evaluationAnswers
        // One hostile training answer and one hostile evaluation per round.
        let rounds = max(training.count, evaluation.count)
        let configuration = try SyntheticSites.configuration(studyID: "synthetic", rounds: rounds, minimumSites: 2, deadline: 10, sites: 3)
        let (study, model) = try MutualTLSStudyTests.description(for: data, configuration: configuration)
        let deployment = try await InProcessDeployment.start(sites: names, study: study, minimumSites: 2, deadline: 10)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        var honest: [Task<SiteAgent.Finish, any Error>] = []
        for site in data.dropFirst() {
            let agent = try deployment.agent(site.name, worker: FederatedSiteWorker(data: site, stateDirectory: state.path(site.name)))
            honest.append(Task { try await agent.run() })
        }
        defer { for agent in honest { agent.cancel() } }
        let address = deployment.address
        let declared = DataSummary(exampleShape: data[0].train.exampleShape, task: .binary, trainingRows: 40, testRows: 20, schemaSHA256: nil)

        // Hellos: each hostile one refused (naming the field when out of range) or welcomed (and
        // its channel closed at once); none may stop the coordinator. They come before north's
        // own session, whose Hello (40 rows) is what bounds its updates.
        let credentials = try deployment.consortium.siteCredentials("north")
        for (field, value, hello) in Self.hostileHellos(honest: declared) {
            let answer = await Self.greet(hello, at: address, credentials: credentials)
            let outOfRange = (field.hasSuffix("_rows") && value > Self.largestCount) || (field.hasSuffix("example_shape") && value > 0)
            if outOfRange { #expect(answer.contains(field), "\(field)=\(value): \(answer)") }
            if field.hasSuffix("training_rows") && value == 0 { #expect(answer.contains("no training rows"), "\(answer)") }
        }

        // north: an admitted site (it declared 40 rows) whose every answer is hostile, with
        // heartbeats carrying the hostile values as their sequence numbers.
        let secureTotals = Self.values
        let ledger = HostileLedger()
        let north = Task {
            try await RawSite.session(
                address, credentials: credentials, data: declared, kinds: [.train, .evaluate, .secureAggregation],
                sequences: Self.values
            ) { link, offer -> [String: String]? in
                switch offer.kind {
                case .train:
                    let hostile = training[ledger.next(.train, of: training.count)]
                    ledger.record(hostile, try await Self.answer(offer, with: hostile, link: link))
                case .evaluate:
                    let hostile = evaluation[ledger.next(.evaluate, of: evaluation.count)]
                    ledger.record(hostile, try await Self.report(offer, with: hostile, link: link))
                default:
                    let total = secureTotals[ledger.next(.secureAggregation, of: secureTotals.count)]
                    ledger.record(
                        Hostile(field: "SecureAnswerHeader.total_bytes", value: total, expected: nil),
                        try await Self.secureAnswer(offer, total: total, link: link))
                }
                return ledger.done(training: training.count, evaluation: evaluation.count, secure: secureTotals.count) ? ledger.receipts : nil
            }
        }
        // The coordinator sees north before the study starts.
        #expect(await deployment.lines.wait(for: "agent=\"raw test site\"", seconds: 20))

        // SecAgg+ answers arrive through their own call: six stages asked of north directly, each
        // answered with a hostile total_bytes (3 bytes follow).
        for total in secureTotals {
            // None announces the 3 bytes that follow: each is refused and the stage fails.
            await #expect(throws: (any Error).self, "total_bytes \(total)") {
                _ = try await deployment.server.transport.exchange([9], at: SiteID("north"), round: 1)
            }
        }

        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(), initialParameters: model.parameters,
            layout: model.layout, transport: deployment.server.transport)
        let outcome = try await coordinator.run()
        let receipts = try await north.value
        await deployment.server.finishStudy(id: study.studyID, rounds: outcome.rounds.count, modelChecksum: "-")
        for agent in honest { _ = try await agent.value }
        await deployment.stop()

        // The honest sites' study completed: every round counted, both of them in it.
        #expect(outcome.rounds.count == rounds)
        #expect(outcome.rounds.allSatisfy { $0.accepted && $0.contributors.contains("south") && $0.contributors.contains("west") })
        #expect(outcome.finalParameters.allSatisfy { $0.isFinite })
        // Every hostile value got its answer, and every out-of-range one names its field.
        for hostile in training + evaluation {
            let reason = receipts[hostile.description]
            #expect(reason != nil, "\(hostile) got no receipt")
            if let expected = hostile.expected { #expect(reason?.contains(expected) == true, "\(hostile): \(reason ?? "-")") }
        }
        for total in secureTotals where total > 0 {
            #expect(
                receipts["SecureAnswerHeader.total_bytes=\(total)"]?.contains("SecureAnswerHeader.total_bytes is \(total)") == true,
                "\(receipts["SecureAnswerHeader.total_bytes=\(total)"] ?? "-")")
        }
        // Counts above what north declared cannot weigh in: no round counted north with more samples.
        #expect(deployment.lines.contains("more than the 40 training rows site north declared"))
        #expect(!deployment.lines.all.contains { $0.contains("update-received site=north") && $0.contains("samples=2147483648") })
    }

    @Test("a lane frame's offset beyond Int is refused with the field named, not converted")
    func laneOffsets() async throws {
        for offset in Self.values {
            var frame = LaneFrame.values(of: TaskVector(kind: .delta, values: [1, 2]), at: 0, 0..<2)
            frame.setInteger(offset, at: frame.readerIndex + 8, endianness: .little)
            var end = LaneFrame.end()
            frame.writeBuffer(&end)
            var reader = LaneFrameReader(LaneFrameTests.Buffers(pending: [frame]), maxValuesBytes: 1 << 20)
            do {
                guard case .values(_, let start, _) = try await reader.next() else {
                    Issue.record("no values event")
                    continue
                }
                #expect(UInt64(start) == offset && offset <= UInt64(Int.max / 8))
            } catch {
                #expect(offset > UInt64(Int.max / 8), "offset \(offset): \(error)")
                #expect("\(error)".contains("offset is \(offset)"), "\(error)")
            }
        }
    }
}

/// What the hostile site sent and what each receipt said, shared between its offer handler's
/// calls (one at a time, in the session's order).
final class HostileLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [Cohort_Deployment_V1_TaskKind: Int] = [:]
    private(set) var receipts: [String: String] = [:]

    /// The index of the next hostile value for `kind` (wrapping around `count`).
    func next(_ kind: Cohort_Deployment_V1_TaskKind, of count: Int) -> Int {
        lock.withLock {
            defer { counters[kind, default: 0] += 1 }
            return counters[kind, default: 0] % count
        }
    }

    func record(_ hostile: HostileIntegerTests.Hostile, _ receipt: Cohort_Deployment_V1_Receipt) {
        lock.withLock { receipts[hostile.description] = receipt.accepted ? "accepted" : receipt.reason }
    }

    func done(training: Int, evaluation: Int, secure: Int) -> Bool {
        lock.withLock {
            counters[.train, default: 0] >= training && counters[.evaluate, default: 0] >= evaluation
                && counters[.secureAggregation, default: 0] >= secure
        }
    }
}
