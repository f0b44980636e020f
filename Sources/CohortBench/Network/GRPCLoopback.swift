import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Learning
import Transport

/// The floor a deployed round stands on: the same traffic as a round (every site downloads
/// its bytes, then uploads as many, all sites at once) through the same gRPC, HTTP/2 and
/// mutual-TLS transports the coordinator and the site agents use, with nothing of Cohort on
/// top: no protobuf, checksums, checks, spooling or aggregation. Between it and
/// `MutualTLSLoopback` lies the cost of gRPC; between it and a real round, Cohort's own.
package enum GRPCLoopback {
    /// The median seconds per round (the first round, which connects, is not counted).
    package static func secondsPerRound(
        server: Credentials, sites: [Credentials], bytesPerSite: Int, chunkBytes: Int,
        rounds: Int
    ) async throws -> Double {
        precondition(rounds >= 2 && !sites.isEmpty && chunkBytes > 0)
        var limits = ProtocolLimits()
        limits.chunkBytes = chunkBytes  // the server's message limit follows, as the coordinator's does
        let security = HTTP2ServerTransport.Posix.TransportSecurity.mTLS(
            certificateChain: [server.certificateSource], privateKey: server.keySource
        ) { tls in
            tls.trustRoots = .certificates([server.authoritySource])
            tls.clientCertificateVerification = .noHostnameVerification
        }
        let transport = CoordinatorServer.transport(listen: NetworkAddress(host: "127.0.0.1", port: 0), security: security, limits: limits)
        let chunk = RawMessage(bytes: [UInt8](repeating: 7, count: chunkBytes))
        return try await withGRPCServer(transport: transport, services: [FloorService(chunk: chunk, bytes: bytesPerSite)]) { _ in
            guard let port = try await transport.listeningAddress.ipv4?.port else {
                throw LoopbackError("the gRPC yardstick's server has no IPv4 port")
            }
            let address = NetworkAddress(host: "127.0.0.1", port: port)
            let clock = ContinuousClock()
            var seconds: [Double] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                // One long-lived client per site, as site agents keep theirs; rounds start together.
                let barrier = RoundBarrier(parties: sites.count)
                for site in sites {
                    group.addTask {
                        do {
                            try await withGRPCClient(transport: CoordinatorLink.transport(to: address, credentials: site)) { client in
                                for round in 0..<rounds {
                                    await barrier.arrive(round: round)
                                    try await FloorService.round(on: client, chunk: chunk, bytes: bytesPerSite)
                                }
                                await barrier.arrive(round: rounds)  // the last round's end
                            }
                        } catch {
                            await barrier.abandon()
                            throw error
                        }
                    }
                }
                var start = clock.now
                for round in 0...rounds {
                    await barrier.waitForAll(round: round)
                    if await barrier.isAbandoned { break }  // the failed site's error ends the group
                    if round > 0 { seconds.append((clock.now - start).inSeconds) }
                    start = clock.now
                    await barrier.release(round: round)
                }
                try await group.waitForAll()
            }
            let sorted = seconds.dropFirst().sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
    }
}

/// Bytes as one gRPC message, copied once each way (protobuf's minimum for a `bytes` field).
struct RawMessage: Sendable {
    var bytes: [UInt8]
}

struct RawCodec: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: RawMessage) throws -> Bytes { Bytes(message.bytes) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> RawMessage {
        RawMessage(bytes: serializedMessageBytes.withUnsafeBytes { Array($0) })
    }
}

/// A download (server streaming) and an upload (client streaming) of raw bytes in chunks.
struct FloorService: RegistrableRPCService {
    static let download = MethodDescriptor(fullyQualifiedService: "cohort.bench.Floor", method: "Download")
    static let upload = MethodDescriptor(fullyQualifiedService: "cohort.bench.Floor", method: "Upload")

    let chunk: RawMessage
    let bytes: Int

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let chunk = chunk, bytes = bytes
        router.registerHandler(forMethod: Self.download, deserializer: RawCodec(), serializer: RawCodec()) { _, _ in
            StreamingServerResponse { writer in
                for message in Self.messages(bytes: bytes, chunk: chunk) { try await writer.write(message) }
                return [:]
            }
        }
        router.registerHandler(forMethod: Self.upload, deserializer: RawCodec(), serializer: RawCodec()) { request, _ in
            var received = 0
            for try await message in request.messages { received += message.bytes.count }
            let count = received
            return StreamingServerResponse(single: ServerResponse(message: RawMessage(bytes: count == bytes ? [1] : [0])))
        }
    }

    /// `bytes` as messages: the shared full chunk, then a shorter last one if needed.
    static func messages(bytes: Int, chunk: RawMessage) -> [RawMessage] {
        let size = chunk.bytes.count
        return stride(from: 0, to: bytes, by: size).map { start in
            bytes - start >= size ? chunk : RawMessage(bytes: Array(chunk.bytes[..<(bytes - start)]))
        }
    }

    /// One site's round: the download, then the upload.
    static func round<Transport: ClientTransport>(on client: GRPCClient<Transport>, chunk: RawMessage, bytes: Int) async throws {
        var options = CallOptions.defaults
        options.timeout = .seconds(60)
        options.maxResponseMessageBytes = chunk.bytes.count + 1024
        options.maxRequestMessageBytes = chunk.bytes.count + 1024
        let downloaded = try await client.serverStreaming(
            request: ClientRequest(message: RawMessage(bytes: [])), descriptor: download,
            serializer: RawCodec(), deserializer: RawCodec(), options: options
        ) { response in
            var total = 0
            for try await message in response.messages { total += message.bytes.count }
            return total
        }
        guard downloaded == bytes else { throw LoopbackError("the gRPC yardstick downloaded \(downloaded) of \(bytes) bytes") }
        let accepted = try await client.clientStreaming(
            request: StreamingClientRequest { writer in
                for message in messages(bytes: bytes, chunk: chunk) { try await writer.write(message) }
            },
            descriptor: upload, serializer: RawCodec(), deserializer: RawCodec(), options: options
        ) { response in try response.message.bytes == [1] }
        guard accepted else { throw LoopbackError("the gRPC yardstick's upload arrived incomplete") }
    }
}

/// Starts every site's round together and tells the timer when all have finished one. A site
/// that fails ends the group's wait through the thrown error, not through the barrier.
actor RoundBarrier {
    private let parties: Int
    private var arrived: [Int: Int] = [:]
    private var released: Set<Int> = []
    private var waitingSites: [Int: [CheckedContinuation<Void, Never>]] = [:]
    private var waitingTimer: [Int: CheckedContinuation<Void, Never>] = [:]
    private(set) var isAbandoned = false

    init(parties: Int) { self.parties = parties }

    /// A site is ready for `round` (having finished the one before); returns once it starts.
    func arrive(round: Int) async {
        if isAbandoned { return }
        arrived[round, default: 0] += 1
        if arrived[round] == parties, let timer = waitingTimer.removeValue(forKey: round) { timer.resume() }
        if released.contains(round) { return }
        await withCheckedContinuation { waitingSites[round, default: []].append($0) }
    }

    /// Waits until every site has arrived at `round`, i.e. finished the round before.
    func waitForAll(round: Int) async {
        if isAbandoned { return }
        if arrived[round, default: 0] == parties { return }
        await withCheckedContinuation { waitingTimer[round] = $0 }
    }

    /// A site failed: nobody waits for anyone any more.
    func abandon() {
        isAbandoned = true
        for (_, sites) in waitingSites { for site in sites { site.resume() } }
        for (_, timer) in waitingTimer { timer.resume() }
        waitingSites = [:]
        waitingTimer = [:]
    }

    func release(round: Int) {
        released.insert(round)
        for site in waitingSites.removeValue(forKey: round) ?? [] { site.resume() }
    }
}
