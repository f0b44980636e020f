import Federation
import Foundation
import FuzzSupport
import Learning
@testable import Transport

/// The protobuf messages as the coordinator and a site receive them: the first byte picks the
/// message, the rest is decoded as its wire bytes and, where decoding succeeds, taken through
/// the same conversions to domain types and checks the receiving code applies (WireConversions'
/// `domain()`, `WireInteger`, `NamedVectors.check`, `TaskDownload`).
enum ProtoTarget {
    static func run(_ input: FuzzInput) {
        let (choice, payload) = input.selector(of: 9)
        do {
            switch choice {
            case 0: try coordinator(Cohort_Deployment_V1_SiteMessage(serializedBytes: payload))
            case 1: try coordinator(Cohort_Deployment_V1_UpdatePart(serializedBytes: payload))
            case 2: try coordinator(Cohort_Deployment_V1_EvaluationResult(serializedBytes: payload))
            case 3: _ = try Cohort_Deployment_V1_TaskFailure(serializedBytes: payload)
            case 4: try coordinator(Cohort_Deployment_V1_SecureAnswerPart(serializedBytes: payload))
            case 5: try coordinator(Cohort_Deployment_V1_LaneRequest(serializedBytes: payload))
            case 6: try site(Cohort_Deployment_V1_CoordinatorMessage(serializedBytes: payload))
            case 7: try site(Cohort_Deployment_V1_VectorChunk(serializedBytes: payload))
            default: _ = try Cohort_Deployment_V1_Receipt(serializedBytes: payload)
            }
        } catch {
            // A refused message is an answer; only a trap or a sanitizer report is a finding.
        }
    }

    // MARK: The coordinator's side

    static func coordinator(_ message: Cohort_Deployment_V1_SiteMessage) throws {
        if case .hello(let hello) = message.body { _ = try hello.data.domain() }
    }

    static func coordinator(_ part: Cohort_Deployment_V1_UpdatePart) throws {
        switch part.body {
        case .header(let header): try coordinator(header)
        case .chunk(let chunk): _ = try WireInteger.int(chunk.offset, field: "VectorChunk.offset")
        case nil: break
        }
    }

    static func coordinator(_ header: Cohort_Deployment_V1_UpdateHeader) throws {
        _ = try WireInteger.count(header.sampleCount, field: "UpdateHeader.sample_count")
        _ = try header.training.domain()
        if header.hasPrivacy { _ = try header.privacy.domain() }
        try NamedVectors.check([.delta] + header.vectors.map { VectorName($0.name) })
    }

    static func coordinator(_ result: Cohort_Deployment_V1_EvaluationResult) throws {
        _ = try result.metrics.domain()
        if result.hasValidation { _ = try result.validation.domain(asked: Int(result.validation.bins)) }
    }

    static func coordinator(_ part: Cohort_Deployment_V1_SecureAnswerPart) throws {
        if case .header(let header) = part.body {
            _ = try WireInteger.int(header.totalBytes, field: "SecureAnswerHeader.total_bytes", in: 0...(1 << 30))
        }
    }

    static func coordinator(_ request: Cohort_Deployment_V1_LaneRequest) throws {
        if case .upload(let header) = request.body { try coordinator(header) }
    }

    // MARK: A site's side

    static func site(_ message: Cohort_Deployment_V1_CoordinatorMessage) throws {
        switch message.body {
        case .welcome(let welcome): _ = try welcome.study.domain()
        case .task(let offer):
            _ = try offer.instructions.domain(vectors: [:])
            // Announced sizes only: a download that keeps the values allocates them.
            _ = try TaskDownload(offer, keep: false)
        default: break
        }
    }

    static func site(_ chunk: Cohort_Deployment_V1_VectorChunk) throws {
        _ = try WireInteger.int(chunk.offset, field: "VectorChunk.offset")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    ProtoTarget.run(FuzzInput(start, count))
    return 0
}
