import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A site's connection to the coordinator's vector lane (`VectorLaneServer`): mutual TLS
/// with the site's certificate, the coordinator's checked against the consortium CA and the
/// host name as gRPC checks it, and the lane's frames on it. One connection serves a
/// session's transfers one after the other; the work loop owns it.
final class VectorLane {
    /// Up to 8 MiB of frames on their way out before a writer waits: a few 1 MiB frames.
    static let writeWindowBytes = 8 << 20

    private var frames: LaneFrameReader<NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator>
    private var outbound: LaneWriter

    private init(frames: LaneFrameReader<NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator>, outbound: LaneWriter) {
        self.frames = frames
        self.outbound = outbound
    }

    /// Connects to the lane at `address` and runs `body` with it, closing it after; with no
    /// address (the coordinator has no lane) `body` gets nil.
    static func with<Result>(
        _ address: NetworkAddress?, credentials: Credentials,
        _ body: (VectorLane?) async throws -> Result
    ) async throws -> Result {
        guard let address else { return try await body(nil) }
        let context = try NIOSSLContext(configuration: credentials.nioConfiguration(asServer: false, verifyingHostname: true))
        // A literal address is checked against the certificate's IP entries, a name against its DNS entries.
        let hostname = IPAddressBytes(address.host) == nil ? address.host : nil
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: hostname))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw LaneError("cannot reach the coordinator's vector lane at \(address): \(error)")
        }
        return try await channel.executeThenClose { inbound, _ in
            let lane = VectorLane(
                frames: LaneFrameReader(inbound.makeAsyncIterator(), maxValuesBytes: ProtocolLimits.largestChunk),
                outbound: LaneWriter(channel.channel, windowBytes: writeWindowBytes))
            return try await body(lane)
        }
    }

    /// Downloads a task's vectors, checked as `TaskDownload` checks them.
    func download(_ offer: Cohort_Deployment_V1_TaskOffer, keep: Bool) async throws -> [VectorKind: [Float]] {
        var request = Cohort_Deployment_V1_LaneRequest()
        request.download.taskID = offer.taskID
        try await outbound.write(LaneFrame.message(.request, try request.serializedData()))
        var download = try TaskDownload(offer, keep: keep)
        while let event = try await frames.next() {
            switch event {
            case .values(let vector, let offset, let bytes):
                try download.add(vectorAt: vector, offset: offset, bytes: bytes)
            case .end:
                return try download.finish()
            case .refused(let reason):
                throw LaneRefusal(reason: reason)
            default:
                throw LaneError("the coordinator answered a download with something other than its vectors")
            }
        }
        throw LaneError("the coordinator closed the vector lane during a download")
    }

    /// Sends a header and its vectors in frames of at most `chunkBytes`; returns the receipt.
    func upload(header: Cohort_Deployment_V1_UpdateHeader, vectors: [TaskVector], chunkBytes: Int) async throws -> Cohort_Deployment_V1_Receipt {
        var request = Cohort_Deployment_V1_LaneRequest()
        request.upload = header
        try await outbound.write(LaneFrame.message(.request, try request.serializedData()))
        var broken: (any Error)?
        do {
            try await outbound.write(contentsOf: LaneFrame.values(of: vectors, chunkBytes: min(chunkBytes, ProtocolLimits.largestChunk)))
            try await outbound.write(LaneFrame.end())
        } catch {
            // A coordinator that refused part-way may have closed; its receipt says why.
            broken = error
        }
        let event: LaneEvent?
        do { event = try await frames.next() } catch { throw broken ?? error }
        guard let event else { throw broken ?? LaneError("the coordinator closed the vector lane before its receipt") }
        switch event {
        case .receipt(let payload): return try Cohort_Deployment_V1_Receipt(serializedBytes: payload)
        case .refused(let reason): throw LaneRefusal(reason: reason)
        default: throw LaneError("the coordinator answered an upload with something other than a receipt")
        }
    }
}

extension VectorLane {
    /// Writes a frame as it is (tests use it to send what a faulty site would).
    func send(_ frame: ByteBuffer) async throws { try await outbound.write(frame) }

    /// The next frame from the coordinator (tests read the answers to what they sent).
    func nextEvent() async throws -> LaneEvent? { try await frames.next() }
}

/// The coordinator refused a lane request: the task closed or is not this site's, or the
/// site's certificate was revoked or expired since the connection opened.
struct LaneRefusal: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
