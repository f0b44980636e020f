import Foundation
import Learning
import NIOCore
import NIOPosix
import NIOSSL
import Transport

/// How fast a mutual-TLS connection over 127.0.0.1 moves bytes on this machine, with the
/// consortium's own certificates: the floor for "the time to move the bytes" of a deployed
/// round, since every byte a site and the coordinator exchange is encrypted and decrypted.
/// Measured with the same TLS library (BoringSSL through swift-nio-ssl) that carries gRPC.
package enum MutualTLSLoopback {
    /// Bytes per second for `bytes` sent in 1 MiB writes from a client to a server.
    package static func measure(server: Credentials, client: Credentials, bytes: Int = 256 << 20) async throws -> Double {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        do {
            let rate = try await measure(on: group, server: server, client: client, bytes: bytes)
            try await group.shutdownGracefully()
            return rate
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func measure(on group: MultiThreadedEventLoopGroup, server: Credentials, client: Credentials, bytes: Int) async throws -> Double {
        let serverContext = try NIOSSLContext(configuration: server.nioConfiguration(asServer: true))
        let clientContext = try NIOSSLContext(configuration: client.nioConfiguration(asServer: false))
        let received = group.next().makePromise(of: Void.self)
        // Never left pending, whichever way this ends (completing a completed promise does nothing).
        defer { received.fail(LoopbackError("the measurement ended before every byte arrived")) }
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: serverContext))
                    try channel.pipeline.syncOperations.addHandler(ByteCounter(expected: bytes, done: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { listener.close(promise: nil) }  // closed before the group shuts down
        guard let port = listener.localAddress?.port else { throw LoopbackError("the loopback listener has no port") }
        let connection = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        defer { connection.close(promise: nil) }

        let chunk = 1 << 20
        var payload = connection.allocator.buffer(capacity: chunk)
        payload.writeRepeatingByte(7, count: chunk)
        let start = ContinuousClock.now
        var sent = 0
        while sent < bytes {
            // Eight writes in flight at most: measures the channel, not a queue in memory.
            var last: EventLoopFuture<Void>?
            for _ in 0..<8 where sent < bytes {
                let slice = payload.getSlice(at: 0, length: min(chunk, bytes - sent))!
                last = connection.write(slice)
                sent += slice.readableBytes
            }
            connection.flush()
            try await last?.get()
        }
        try await received.futureResult.get()
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        return Double(bytes) / seconds
    }
}

/// Counts what arrives and fulfils `done` once `expected` bytes are in.
private final class ByteCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let expected: Int
    private let done: EventLoopPromise<Void>
    private var count = 0

    init(expected: Int, done: EventLoopPromise<Void>) {
        self.expected = expected
        self.done = done
    }

    private var finished = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        count += unwrapInboundIn(data).readableBytes
        if count >= expected { finish(nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.close(promise: nil)
    }

    /// A connection that ends early (a refused certificate) fails the measurement instead of leaving it waiting.
    func channelInactive(context: ChannelHandlerContext) {
        finish(LoopbackError("the connection closed after \(count) of \(expected) bytes"))
    }

    private func finish(_ error: (any Error)?) {
        guard !finished else { return }
        finished = true
        if let error { done.fail(error) } else { done.succeed(()) }
    }
}
