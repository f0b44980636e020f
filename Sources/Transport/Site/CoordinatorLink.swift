import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// A site's connection to its coordinator: one HTTP/2 connection over mutual TLS (the
/// site's certificate, the coordinator's checked against the consortium CA and its host
/// name), and the typed calls of the wire protocol on it.
package struct CoordinatorLink: Sendable {
    typealias Client = Cohort_Deployment_V1_Coordinator.Client<HTTP2ClientTransport.Posix>

    let client: Client
    let chunkBytes: Int

    /// Connects, runs `body` with the link, and closes the connection after it.
    static func with<Result: Sendable>(
        _ address: NetworkAddress, credentials: Credentials?, chunkBytes: Int = ProtocolLimits().chunkBytes,
        _ body: @Sendable (CoordinatorLink) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient(transport: transport(to: address, credentials: credentials)) { client in
            try await body(CoordinatorLink(client: Client(wrapping: client), chunkBytes: chunkBytes))
        }
    }

    /// The HTTP/2 transport a site dials its coordinator with (`GRPCLoopback` measures the same).
    package static func transport(to address: NetworkAddress, credentials: Credentials?) throws -> HTTP2ClientTransport.Posix {
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let credentials {
            security = .mTLS(certificateChain: [credentials.certificateSource], privateKey: credentials.keySource) { tls in
                tls.trustRoots = .certificates([credentials.authoritySource])
                tls.serverCertificateVerification = .fullVerification
            }
        } else {
            // Only for tests of what the coordinator does with a client without a certificate.
            security = .tls { tls in tls.serverCertificateVerification = .noVerification }
        }
        let target: any ResolvableTarget
        if IPAddressBytes(address.host) != nil {
            if address.isIPv6 {
                target = .ipv6(address: address.host, port: address.port)
            } else {
                target = .ipv4(address: address.host, port: address.port)
            }
        } else {
            target = .dns(host: address.host, port: address.port)
        }
        return try HTTP2ClientTransport.Posix(
            target: target, transportSecurity: security,
            config: .defaults { config in
                config.http2.maxFrameSize = 1 << 20
                config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 2, jitter: 0.2)
            })
    }

    static func options(timeout seconds: Double) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = .milliseconds(Int64(seconds * 1000))
        options.waitForReady = false
        options.maxResponseMessageBytes = ProtocolLimits.largestChunk + ProtocolLimits.messageOverhead
        options.maxRequestMessageBytes = ProtocolLimits.largestChunk + ProtocolLimits.messageOverhead
        return options
    }

    /// Seconds allowed for moving `bytes`: generous (10 MB/s) plus a floor.
    static func transferTimeout(bytes: Int) -> Double { 60 + Double(bytes) / 10_000_000 }

    /// Downloads a task's vectors, checking their sizes and checksum. With `keep` false the
    /// values are checked and dropped (a worker that does not need them).
    func download(_ offer: Cohort_Deployment_V1_TaskOffer, keep: Bool = true) async throws -> [VectorKind: [Float]] {
        var reference = Cohort_Deployment_V1_TaskReference()
        reference.taskID = offer.taskID
        let received = try TaskDownload(offer, keep: keep)
        return try await client.downloadTask(reference, options: Self.options(timeout: Self.transferTimeout(bytes: received.bytes))) { response in
            var download = received
            for try await chunk in response.messages {
                guard let kind = chunk.vectorName else { throw MalformedMessage("a chunk names no vector") }
                try download.add(kind: kind, offset: try WireInteger.int(chunk.offset, field: "VectorChunk.offset"), bytes: chunk.values)
            }
            return try download.finish()
        }
    }

    /// Sends an update in chunks of at most `chunkBytes` (the coordinator's limit, from its
    /// Welcome; the link's default otherwise); returns the coordinator's receipt.
    func upload(_ update: SiteUpdate, task: String, chunkBytes: Int? = nil) async throws -> Cohort_Deployment_V1_Receipt {
        let (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(update, task: task)
        return try await upload(header: header, vectors: vectors, chunkBytes: chunkBytes)
    }

    /// Sends a header and vectors as they are (tests use it to send what a faulty site would).
    func upload(
        header: Cohort_Deployment_V1_UpdateHeader, vectors: [TaskVector],
        chunkBytes: Int? = nil
    ) async throws -> Cohort_Deployment_V1_Receipt {
        let bytes = vectors.map(\.values.count).reduce(0, +) * VectorBytes.bytesPerValue
        let chunkBytes = min(chunkBytes ?? self.chunkBytes, ProtocolLimits.largestChunk)
        return try await client.uploadUpdate(options: Self.options(timeout: Self.transferTimeout(bytes: bytes))) { writer in
            var first = Cohort_Deployment_V1_UpdatePart()
            first.body = .header(header)
            try await writer.write(first)
            try await VectorChunks.send(vectors, chunkBytes: chunkBytes) { chunk in
                var part = Cohort_Deployment_V1_UpdatePart()
                part.body = .chunk(chunk)
                try await writer.write(part)
            }
        }
    }

    func report(_ report: EvaluationReport, study: String, task: String) async throws -> Cohort_Deployment_V1_Receipt {
        var result = Cohort_Deployment_V1_EvaluationResult()
        result.taskID = task
        result.study = study
        result.round = UInt32(clamping: report.round)
        result.metrics = Cohort_Deployment_V1_Metrics(report.metrics)
        if let validation = report.validation { result.validation = Cohort_Deployment_V1_ValidationStatistics(validation) }
        if let head = report.trailHead { result.trailHead = Cohort_Deployment_V1_TrailHead(head) }
        return try await client.reportEvaluation(result, options: Self.options(timeout: 60))
    }

    /// Sends the answer to a secure-aggregation stage in chunks of at most `chunkBytes`.
    func answerSecureAggregation(_ message: [UInt8], task: String, chunkBytes: Int? = nil) async throws -> Cohort_Deployment_V1_Receipt {
        let chunkBytes = max(1, min(chunkBytes ?? self.chunkBytes, ProtocolLimits.largestChunk))
        return try await client.answerSecureAggregation(options: Self.options(timeout: Self.transferTimeout(bytes: message.count))) { writer in
            var header = Cohort_Deployment_V1_SecureAnswerHeader()
            header.taskID = task
            header.totalBytes = UInt64(message.count)
            var first = Cohort_Deployment_V1_SecureAnswerPart()
            first.body = .header(header)
            try await writer.write(first)
            var start = 0
            while start < message.count {
                let end = min(message.count, start + chunkBytes)
                var part = Cohort_Deployment_V1_SecureAnswerPart()
                part.body = .chunk(Data(message[start..<end]))
                try await writer.write(part)
                start = end
            }
        }
    }

    func reportFailure(task: String, reason: String) async throws -> Cohort_Deployment_V1_Receipt {
        var failure = Cohort_Deployment_V1_TaskFailure()
        failure.taskID = task
        failure.reason = reason
        return try await client.reportFailure(failure, options: Self.options(timeout: 60))
    }
}

extension Cohort_Deployment_V1_UpdateHeader {
    /// The header announcing `update` as the answer to `task`, and the vectors that follow it,
    /// in order (over gRPC or the vector lane alike).
    static func announcing(_ update: SiteUpdate, task: String) -> (Self, [TaskVector]) {
        var header = Self()
        header.taskID = task
        header.study = update.study
        header.round = UInt32(clamping: update.round)
        header.parameterCount = UInt64(update.delta.count)
        header.sampleCount = UInt64(max(0, update.sampleCount))
        header.training = Cohort_Deployment_V1_TrainingSummary(update.training)
        var vectors = [TaskVector(kind: .delta, values: update.delta)]
        for name in update.vectors.keys.sorted() {
            vectors.append(TaskVector(kind: name, values: update.vectors[name]!))
            header.vectors.append(Cohort_Deployment_V1_NamedVector(name, count: update.vectors[name]!.count))
        }
        header.payloadChecksum = ValuesChecksum.of(vectors.map(\.values))
        if let privacy = update.privacy { header.privacy = Cohort_Deployment_V1_PrivacySpend(privacy) }
        if let epsilon = update.cumulativeEpsilon { header.cumulativeEpsilon = epsilon }
        if let head = update.trailHead { header.trailHead = Cohort_Deployment_V1_TrailHead(head) }
        return (header, vectors)
    }
}
