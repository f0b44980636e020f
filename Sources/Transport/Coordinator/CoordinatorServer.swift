import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOSSL
import Studies
import Synchronization
import X509

/// The coordinator's network side: a gRPC server over mutual TLS that only admits sites
/// certified by the consortium CA (checked during the handshake, against the revocation
/// list), and the `GRPCTransport` through which a `Coordinator` reaches them.
///
/// ```swift
/// let server = try CoordinatorServer(options: .init(listen: address, credentials: credentials,
///                                                   revocations: revocationList, limits: ProtocolLimits()), log: log)
/// _ = try await server.start()
/// let outcome = try await Coordinator(configuration: configuration, strategy: FedAvg(), initialParameters: parameters,
///                                     layout: layout, transport: server.transport).run()
/// await server.finishStudy(id: configuration.studyID, rounds: outcome.rounds.count, modelChecksum: checksum)
/// await server.stop()
/// ```
public final class CoordinatorServer: Sendable {
    public struct Options: Sendable {
        public var listen: NetworkAddress
        public var credentials: Credentials
        public var revocations: URL?
        public var limits: ProtocolLimits
        public var study: StudyDescription
        /// Sites a round needs (k of n).
        public var minimumSites: Int
        public var roundDeadlineSeconds: Double
        /// The sites the study expects (nil: any site certified by the consortium CA).
        public var expectedSites: [SiteID]?
        /// Where the vector lane listens (nil: no lane, vectors travel over gRPC).
        public var vectorLane: NetworkAddress?
        /// Where the newest revocation list accepted is remembered across restarts (nil: only
        /// while running); an older list is refused.
        public var revocationMemory: RevocationMemory?

        public init(
            listen: NetworkAddress, credentials: Credentials, revocations: URL?, limits: ProtocolLimits,
            study: StudyDescription, minimumSites: Int, roundDeadlineSeconds: Double, expectedSites: [SiteID]? = nil,
            vectorLane: NetworkAddress? = nil, revocationMemory: RevocationMemory? = nil
        ) {
            self.expectedSites = expectedSites
            self.revocationMemory = revocationMemory
            self.vectorLane = vectorLane
            self.listen = listen
            self.credentials = credentials
            self.revocations = revocations
            self.limits = limits
            self.study = study
            self.minimumSites = minimumSites
            self.roundDeadlineSeconds = roundDeadlineSeconds
        }
    }

    public let transport: GRPCTransport
    private let switchboard: Switchboard
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let serverTransport: HTTP2ServerTransport.Posix
    private let serving: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let reaper: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let limits: ProtocolLimits
    private let lane: VectorLaneServer?
    private let lanePort = LanePort()
    private let log: EventLog
    /// Connections not yet authenticated, on both listeners.
    let gate: HandshakeGate

    public init(options: Options, log: EventLog, events: @escaping @Sendable (SiteConnectionEvent) -> Void = { _ in }) throws {
        let consortium = options.credentials.identity.consortium
        if let problem = options.limits.problem() { throw ProvisioningError(problem) }
        guard options.roundDeadlineSeconds > 0, options.roundDeadlineSeconds <= StudyLimits.roundDeadlineSeconds else {
            throw ProvisioningError(
                "round_deadline_seconds must be between 0 and \(Int(StudyLimits.roundDeadlineSeconds)), got \(options.roundDeadlineSeconds)")
        }
        guard options.credentials.identity.role == .coordinator else {
            throw ProvisioningError("the coordinator needs the coordinator's certificate; this one is for \(options.credentials.identity)")
        }
        let revocations = try RevocationWatch(
            file: options.revocations, authority: options.credentials.authority,
            consortium: consortium, log: log, memory: options.revocationMemory)
        let admission = SiteAdmission(
            authority: options.credentials.authority, consortium: consortium,
            revocations: revocations, log: log)
        let authority = try NIOSSLCertificate(bytes: Array(options.credentials.authorityPEM.utf8), format: .pem)
        // One handshake check for both listeners (gRPC and the vector lane).
        let verification = admission.verificationCallback(authority: authority, events: events)
        limits = options.limits
        self.log = log
        switchboard = Switchboard(limits: options.limits, log: log, events: events)
        transport = GRPCTransport(
            switchboard: switchboard, study: options.study, limits: options.limits,
            minimumSites: options.minimumSites, expectedSites: options.expectedSites ?? [],
            deadlineSeconds: options.roundDeadlineSeconds, log: log)
        let security = HTTP2ServerTransport.Posix.TransportSecurity.mTLS(
            certificateChain: [options.credentials.certificateSource], privateKey: options.credentials.keySource
        ) { tls in
            tls.trustRoots = .certificates([options.credentials.authoritySource])
            tls.clientCertificateVerification = .noHostnameVerification
            tls.customVerificationCallback = verification
        }
        // One gate over both listeners: connections not yet authenticated are capped in total.
        let gate = HandshakeGate(limits: options.limits, log: log)
        self.gate = gate
        serverTransport = Self.transport(listen: options.listen, security: security, limits: options.limits, gate: gate)
        let intake = UpdateIntake(switchboard: switchboard, limits: options.limits, log: log)
        if let address = options.vectorLane {
            lane = try VectorLaneServer(
                listen: address, credentials: options.credentials,
                verification: verification, gate: gate,
                admission: admission, switchboard: switchboard, intake: intake, limits: options.limits,
                largestUpdate: options.limits.updateByteLimit(parameterCount: options.study.parameterCount, vectors: 3),
                log: log)
        } else {
            lane = nil
        }
        let service = CoordinatorService(
            switchboard: switchboard, study: options.study, limits: options.limits,
            consortium: consortium, expectedSites: options.expectedSites.map(Set.init),
            lanePort: lanePort, intake: intake, admission: admission, log: log)
        server = GRPCServer(transport: serverTransport, services: [service])
    }

    /// The HTTP/2 transport a coordinator listens on. The window is 8 MiB: at the 64 KiB
    /// default every upload stalled on window updates (a round of 10 x 1M parameters took
    /// 100 ms, 78 ms with the larger window). `GRPCLoopback` measures the same transport.
    /// `gate` joins every accepted connection's pipeline through the transport's one hook into
    /// it (`onAcceptTCPConnection`, meant for debugging but the only one there is).
    package static func transport(
        listen: NetworkAddress, security: HTTP2ServerTransport.Posix.TransportSecurity,
        limits: ProtocolLimits, gate: HandshakeGate? = nil
    ) -> HTTP2ServerTransport.Posix {
        HTTP2ServerTransport.Posix(
            address: listen.isIPv6 ? .ipv6(host: listen.host, port: listen.port) : .ipv4(host: listen.host, port: listen.port),
            transportSecurity: security,
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = limits.maxMessageBytes
                config.http2.maxFrameSize = 1 << 20
                config.http2.targetWindowSize = 8 << 20
                if let gate {
                    config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
                        channel.eventLoop.makeCompletedFuture { try gate.install(on: channel) }
                    }
                }
            })
    }

    /// Starts listening; returns the bound port (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        // The lane first: a site learns its port from Welcome.
        if let lane { lanePort.set(try await lane.start()) }
        let server = server
        let log = log
        serving.withLock { task in
            task = Task {
                do { try await server.serve() } catch { log.error("server-stopped", ["reason": "\(error)"]) }
            }
        }
        let switchboard = switchboard
        let interval = limits.heartbeatInterval
        reaper.withLock { task in
            task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(interval / 2))
                    await switchboard.reap()
                }
            }
        }
        let address: GRPCNIOTransportCore.SocketAddress
        do {
            address = try await serverTransport.listeningAddress
        } catch {
            throw ProvisioningError("cannot listen: \(error)")
        }
        return address.ipv4?.port ?? address.ipv6?.port ?? 0
    }

    /// Tells every connected site the study is over.
    public func finishStudy(id: String, rounds: Int, modelChecksum: String) async {
        var finished = Cohort_Deployment_V1_StudyFinished()
        finished.studyID = id
        finished.rounds = UInt32(rounds)
        finished.modelChecksum = modelChecksum
        var message = Cohort_Deployment_V1_CoordinatorMessage()
        message.body = .finished(finished)
        await switchboard.finishStudy(message)
    }

    /// The vector lane's port (nil: no lane).
    public var vectorLanePort: Int? { lane == nil ? nil : Int(lanePort.value) }

    public func stop() async {
        await lane?.stop()
        reaper.withLock { $0?.cancel() }
        server.beginGracefulShutdown()
        let task = serving.withLock { $0 }
        await task?.value
    }
}
