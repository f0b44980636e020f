import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Transport

/// The lane's writer holds at most its window of frames on their way out: what bounds the
/// coordinator's memory when ten large downloads run at once.
@Suite("Lane writer")
struct LaneWriterTests {
    /// Keeps every write it is given, uncompleted, until the test lets it go: a socket that
    /// takes nothing.
    final class HeldWrites: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = ByteBuffer
        private let held = Mutex<[(first: UInt8, promise: EventLoopPromise<Void>?)]>([])
        private let written = Mutex<[UInt8]>([])

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let first = unwrapOutboundIn(data).getInteger(at: 0, as: UInt8.self) ?? 0
            held.withLock { $0.append((first, promise)) }
        }

        func flush(context: ChannelHandlerContext) {}

        var count: Int { held.withLock { $0.count } }
        /// The first byte of every write completed so far, in order.
        var completed: [UInt8] { written.withLock { $0 } }

        /// Completes the oldest `count` held writes (nil: all), or fails them with `error`.
        func release(_ count: Int? = nil, failing error: (any Error)? = nil) {
            let released = held.withLock { held in
                let taken = Array(held.prefix(count ?? held.count))
                held.removeFirst(taken.count)
                return taken
            }
            for write in released {
                written.withLock { $0.append(write.first) }
                if let error { write.promise?.fail(error) } else { write.promise?.succeed() }
            }
        }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        var current: Int { value.withLock { $0 } }
        func increment() { value.withLock { $0 += 1 } }
    }

    /// A loopback connection whose client side holds its writes; closed after `body`.
    static func withHeldConnection(_ body: (any Channel, HeldWrites) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let held = HeldWrites()
        let client = try await ClientBootstrap(group: group)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(held) } }
            .connect(host: "127.0.0.1", port: server.localAddress!.port!).get()
        do {
            try await body(client, held)
        } catch {
            held.release()
            try? await client.close()
            try? await server.close()
            throw error
        }
        held.release()
        try? await client.close()
        try await server.close()
    }

    /// A 1 MiB frame whose first byte is `index`.
    static func frame(_ index: Int) -> ByteBuffer {
        var frame = ByteBuffer(repeating: 0, count: 1 << 20)
        frame.setInteger(UInt8(index), at: 0)
        return frame
    }

    /// Polls `condition` every 10 ms for at most 10 s.
    static func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<1_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(condition(), "timed out waiting", sourceLocation: sourceLocation)
    }

    @Test("with a 4 MiB window, four 1 MiB frames are on their way and the fifth waits until one completes; drain waits for the last")
    func windowBoundsWhatIsInFlight() async throws {
        try await Self.withHeldConnection { channel, held in
            let produced = Counter()
            let finished = Counter()
            let writing = Task {
                var writer = LaneWriter(channel, windowBytes: 4 << 20)
                try await writer.write(
                    contentsOf: (0..<10).lazy.map { index in
                        produced.increment()
                        return Self.frame(index)
                    })
                try await writer.drain()
                finished.increment()
            }
            try await Self.waitUntil { held.count == 4 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(held.count == 4)
            #expect(produced.current == 5, "the fifth frame is made and waits for room; no more are made")

            held.release(1)
            try await Self.waitUntil { produced.current == 6 }
            try await Self.waitUntil { held.count == 4 }
            #expect(produced.current == 6)

            // The rest, a few at a time, until all ten are out and drain is waiting on the last.
            for _ in 0..<100 {
                if held.count + held.completed.count == 10 { break }
                held.release(2)
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Self.waitUntil { held.count + held.completed.count == 10 }
            #expect(held.count <= 4)
            try await Task.sleep(for: .milliseconds(100))
            #expect(finished.current == 0, "drain returned with writes still held")
            held.release()
            try await writing.value
            #expect(finished.current == 1)
            #expect(held.completed == (0..<10).map(UInt8.init), "frames leave in the order written")
        }
    }

    @Test("a write that fails ends the writer with that error")
    func failedWriteThrows() async throws {
        struct Broken: Error {}
        try await Self.withHeldConnection { channel, held in
            let writing = Task {
                var writer = LaneWriter(channel, windowBytes: 1 << 20)
                try await writer.write(contentsOf: (0..<3).map(Self.frame))
            }
            try await Self.waitUntil { held.count == 1 }
            held.release(failing: Broken())
            await #expect(throws: Broken.self) { try await writing.value }
        }
    }
}
