import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// Bounds what a connection costs the coordinator before it has authenticated. A TCP
/// connection that never completes its TLS handshake holds a descriptor and nothing else;
/// before this gate, about 300 idle ones used up the coordinator's descriptors and locked the
/// real sites out, and one held the study's end for as long as it stayed open.
///
/// Both listeners (gRPC and the vector lane) share one gate. A connection still in its
/// handshake counts against a total and against its address; one over either cap is closed
/// as soon as it is accepted, and one that has not completed its handshake within the timeout
/// is closed then. Once the handshake completes (the site's certificate admitted), the
/// connection leaves the gate and nothing more is asked of it here.
package final class HandshakeGate: Sendable {
    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
        var refused = 0
        var timedOut = 0
    }

    let timeout: TimeAmount
    private let maxTotal: Int
    private let maxPerAddress: Int
    private let log: EventLog
    private let state = Mutex(State())

    init(limits: ProtocolLimits, log: EventLog) {
        timeout = .nanoseconds(Int64(limits.handshakeTimeoutSeconds * 1e9))
        maxTotal = limits.maxUnauthenticatedConnections
        maxPerAddress = limits.maxUnauthenticatedPerAddress
        self.log = log
    }

    /// Connections now in their handshake (tests watch it).
    var pending: Int { state.withLock { $0.total } }
    /// Connections closed so far at once (over a cap) and at the timeout.
    var closed: (refused: Int, timedOut: Int) { state.withLock { ($0.refused, $0.timedOut) } }

    /// Puts the gate into an accepted connection's pipeline: its handler right after the TLS
    /// handler (whose handshake-completed event it waits for), and a closer before it. Closing
    /// through the TLS handler mid-handshake would wait up to 5 s for the peer's close_notify
    /// (NIOSSL's shutdown timeout); the closer closes the socket itself. Runs on the channel's loop.
    func install(on channel: any Channel) throws {
        let operations = channel.pipeline.syncOperations
        let tls = try operations.handler(type: NIOSSLServerHandler.self)
        let closer = SocketCloser()
        try operations.addHandler(closer, position: .first)
        try operations.addHandler(PendingHandshake(gate: self, closer: closer), position: .after(tls))
    }

    /// Counts a new connection from `address` in; false when a cap is reached (it is closed).
    fileprivate func enter(_ address: String) -> Bool {
        let (admitted, refused) = state.withLock { state -> (Bool, Int) in
            guard state.total < maxTotal, state.perAddress[address, default: 0] < maxPerAddress else {
                state.refused += 1
                return (false, state.refused)
            }
            state.total += 1
            state.perAddress[address, default: 0] += 1
            return (true, 0)
        }
        if !admitted { note("unauthenticated-connection-refused", address: address, count: refused) }
        return admitted
    }

    fileprivate func leave(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = left > 0 ? left : nil
        }
    }

    fileprivate func timedOut(_ address: String) {
        let count = state.withLock { state in
            state.timedOut += 1
            return state.timedOut
        }
        note("handshake-timeout", address: address, count: count)
    }

    /// One line for the first and then every hundredth: a flood of idle connections must not
    /// become a flood of log lines.
    private func note(_ event: String, address: String, count: Int) {
        guard count == 1 || count % 100 == 0 else { return }
        log.warning(
            event,
            [
                "peer": address, "total": "\(count)", "pending_limit": "\(maxTotal)",
                "per_address_limit": "\(maxPerAddress)", "timeout_seconds": "\(Double(timeout.nanoseconds) / 1e9)"
            ])
    }
}

/// The gate's part of one connection's pipeline, until its handshake completes.
private final class PendingHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let gate: HandshakeGate
    private let closer: SocketCloser
    private var address: String?
    private var counted = false
    private var timer: Scheduled<Void>?

    init(gate: HandshakeGate, closer: SocketCloser) {
        self.gate = gate
        self.closer = closer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        var completed = false
        if case .handshakeCompleted = event as? TLSUserEvent { completed = true }
        context.fireUserInboundEventTriggered(event)
        // Authenticated: the connection leaves the gate, and its pipeline loses the gate's handlers.
        if completed {
            release()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            closer.remove()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard address == nil else { return }
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        self.address = address
        guard gate.enter(address) else {
            closer.closeNow()
            return
        }
        counted = true
        let gate = gate
        let closer = NIOLoopBound(closer, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: gate.timeout) {
            gate.timedOut(address)
            closer.value.closeNow()
        }
    }

    private func release() {
        timer?.cancel()
        timer = nil
        if counted, let address {
            counted = false
            gate.leave(address)
        }
    }
}

/// First in the pipeline, under TLS: closes the socket at once, without TLS's shutdown.
private final class SocketCloser: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func closeNow() { context?.close(promise: nil) }

    func remove() {
        guard let context else { return }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
