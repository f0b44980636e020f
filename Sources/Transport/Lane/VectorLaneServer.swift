import Federation
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import X509

/// The coordinator's vector lane: a second mutual-TLS listener, admitting exactly the
/// certificates the gRPC listener admits (the same `SiteAdmission` runs in the handshake),
/// over which sites download task vectors and upload updates as plain frames
/// (`LaneFrame`). gRPC keeps the control channel and every other answer; the lane only
/// spares the vectors HTTP/2's and gRPC's framing and copies, which on two loopback cores
/// cost about as much again as the encryption itself (docs/DEPLOYMENT.md, section 5).
final class VectorLaneServer: Sendable {
    /// Per connection, at most 4 MiB of frames on their way out and 4 decrypted reads waiting
    /// to be handled: with ten 400 MB transfers at once, what the coordinator holds in flight.
    static let writeWindowBytes = 4 << 20
    static let inboundBuffers = NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark(lowWatermark: 2, highWatermark: 4)

    private let listen: NetworkAddress
    private let context: NIOSSLContext
    private let verification: @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResultWithMetadata>) -> Void
    /// Caps and times out connections still in their handshake (shared with gRPC's listener).
    private let gate: HandshakeGate
    /// Asked again at every request whether the connection's certificate still stands.
    private let admission: SiteAdmission
    private let consortium: String
    private let switchboard: Switchboard
    private let intake: UpdateIntake
    private let limits: ProtocolLimits
    /// The most bytes of values skipped after refusing an upload part-way.
    private let largestUpdate: Int
    private let log: EventLog
    private let serving = Mutex<Task<Void, Never>?>(nil)
    private let payloads: EncodedPayloads
    /// Each site's current connection. A site keeps one lane connection per session, so a
    /// newer one means the older is left over (a site that restarted, or a host that vanished
    /// without closing it) and is closed: a site cannot pile up connections.
    private let current = Mutex<[SiteID: any Channel]>([:])

    init(
        listen: NetworkAddress, credentials: Credentials,
        verification: @escaping @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResultWithMetadata>) -> Void,
        gate: HandshakeGate, admission: SiteAdmission, switchboard: Switchboard, intake: UpdateIntake, limits: ProtocolLimits, largestUpdate: Int, log: EventLog
    ) throws {
        self.largestUpdate = largestUpdate
        payloads = EncodedPayloads(chunkBytes: limits.chunkBytes)
        self.listen = listen
        context = try NIOSSLContext(configuration: credentials.nioConfiguration(asServer: true))
        self.verification = verification
        self.gate = gate
        self.admission = admission
        consortium = credentials.identity.consortium
        self.switchboard = switchboard
        self.intake = intake
        self.limits = limits
        self.log = log
    }

    /// Binds and starts accepting; returns the bound port.
    func start() async throws -> Int {
        let context = context, verification = verification, gate = gate
        let listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: listen.host, port: listen.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLServerHandler(context: context, customVerificationCallbackWithMetadata: verification))
                        try gate.install(on: channel)
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(backPressureStrategy: Self.inboundBuffers))
                    }
                }
        } catch {
            throw ProvisioningError("cannot listen for the vector lane on \(listen): \(error)")
        }
        guard let port = listener.channel.localAddress?.port else { throw ProvisioningError("the vector lane's listener has no port") }
        let task = Task<Void, Never> {
            _ = try? await listener.executeThenClose { connections in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    } catch {
                        self.log.error("lane-stopped", ["reason": "\(error)"])
                    }
                }
            }
        }
        serving.withLock { $0 = task }
        return port
    }

    func stop() async {
        let task = serving.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }

    /// One site's connection: its requests, one after the other, until it closes.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        var peer: (site: SiteID, certificate: Certificate)?
        do {
            try await connection.executeThenClose { inbound, _ in
                var frames = LaneFrameReader(inbound.makeAsyncIterator(), maxValuesBytes: limits.chunkBytes)
                var outbound = LaneWriter(connection.channel, windowBytes: Self.writeWindowBytes)
                while true {
                    // Once bytes arrived (a frame, or a broken one) the handshake is over and the
                    // certificate admitted: the site is read from it once, for the work and the log.
                    let next: Result<LaneEvent?, any Error>
                    do { next = .success(try await frames.next()) } catch { next = .failure(error) }
                    if peer == nil, let identified = await self.peer(of: connection.channel) {
                        peer = identified
                        adopt(connection.channel, of: identified.site)
                    }
                    guard let event = try next.get() else { return try await outbound.drain() }
                    guard let (caller, certificate) = peer else { throw LaneError("the connection's certificate names no site of consortium \(consortium)") }
                    // Revoked or expired since the handshake: the site is told why, and the
                    // connection ends here.
                    if let lapse = await switchboard.expelIfLapsed(caller, certificate: certificate, admission: admission) {
                        try? await outbound.write(LaneFrame.message(.refused, Data(lapse.utf8)))
                        try? await outbound.drain()
                        throw LaneError(lapse)
                    }
                    guard case .request(let payload) = event else { throw LaneError("a site's frames must start with a REQUEST") }
                    let request: Cohort_Deployment_V1_LaneRequest
                    do { request = try Cohort_Deployment_V1_LaneRequest(serializedBytes: payload) } catch {
                        throw LaneError("a REQUEST that is no LaneRequest: \(error)")
                    }
                    switch request.body {
                    case .download(let reference):
                        try await sendVectors(of: reference.taskID, to: caller, &outbound)
                    case .upload(let header):
                        guard try await receiveUpdate(header, from: caller, &frames, &outbound) else { return try await outbound.drain() }
                    case nil:
                        throw LaneError("a REQUEST names neither a download nor an upload")
                    }
                }
            }
        } catch {
            log.warning("lane-connection-closed", ["site": peer?.site.name ?? "-", "reason": "\(error)"])
        }
        if let site = peer?.site {
            current.withLock { connections in
                if connections[site] === connection.channel { connections[site] = nil }
            }
        }
    }

    /// Makes `channel` the site's current connection and closes the one it replaces.
    private func adopt(_ channel: any Channel, of site: SiteID) {
        let replaced = current.withLock { connections in connections.updateValue(channel, forKey: site) }
        guard let replaced, replaced !== channel else { return }
        log.info("lane-connection-replaced", ["site": site.name])
        replaced.close(promise: nil)
    }

    /// The site the connection's certificate names, with the certificate (nil: none, or no
    /// handshake yet).
    private func peer(of channel: any Channel) async -> (site: SiteID, certificate: Certificate)? {
        guard let peer = try? await channel.nioSSL_peerCertificate().get(),
            let certificate = try? Certificate(derEncoded: peer.toDERBytes()),
            let site = ParticipantIdentity.site(certifiedBy: certificate, in: consortium)
        else { return nil }
        return (site, certificate)
    }

    private func sendVectors(of taskID: String, to site: SiteID, _ outbound: inout LaneWriter) async throws {
        switch await switchboard.payload(taskID, for: site) {
        case .failure(let refusal):
            log.warning("download-refused", ["site": site.name, "task": taskID, "reason": refusal.description])
            try await outbound.write(LaneFrame.message(.refused, Data(refusal.description.utf8)))
        case .success(let task):
            if let frames = payloads.frames(of: task.vectors) {
                try await outbound.write(contentsOf: frames)
            } else {
                try await outbound.write(contentsOf: LaneFrame.values(of: task.vectors, chunkBytes: limits.chunkBytes))
            }
            try await outbound.write(LaneFrame.end())
        }
    }

    /// Takes an upload in and answers its receipt; false when the connection cannot go on
    /// (the update was refused part-way and the rest of it could not be skipped).
    private func receiveUpdate(
        _ header: Cohort_Deployment_V1_UpdateHeader, from site: SiteID,
        _ frames: inout LaneFrameReader<NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator>,
        _ outbound: inout LaneWriter
    ) async throws -> Bool {
        var reachedEnd = false
        let receipt = await intake.accept(header, from: site, via: .lane) { assembler in
            try await frames.readValues(into: &assembler)
            reachedEnd = true
        }
        try await outbound.write(LaneFrame.message(.receipt, try receipt.serializedData()))
        if reachedEnd { return true }
        // Refused before its end: skip the rest so the site reads its receipt, within what
        // an update may hold; a site that sends more loses the connection.
        return try await frames.skipValues(limit: largestUpdate)
    }
}

/// The vector lane's port as Welcome announces it: zero until (and unless) the lane listens.
final class LanePort: Sendable {
    private let port = Mutex<UInt32>(0)
    var value: UInt32 { port.withLock { $0 } }
    func set(_ value: Int) { port.withLock { $0 = UInt32(value) } }
}
