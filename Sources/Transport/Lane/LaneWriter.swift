import NIOCore

/// Writes a lane connection's frames with at most `windowBytes` of them not yet handed to
/// the socket, waiting for the oldest writes to complete before adding more.
///
/// `NIOAsyncChannelOutboundWriter` alone does not bound this: it learns that the channel is
/// unwritable only once the event loop has run the writes already queued to it, and a task
/// producing 1 MiB frames at memory speed queues dozens before that happens. Measured with
/// ten 400 MB downloads at once, the coordinator held 640 plaintext frames and 420 TLS
/// records queued (over 1 GB, `cohort bench deploy --memory --memory-over-lane`). Each
/// write's future completes when TLS has encrypted the frame and the socket has taken the
/// records, so awaiting them bounds both.
struct LaneWriter {
    private let channel: any Channel
    private let windowBytes: Int
    private var pending: [(done: EventLoopFuture<Void>, bytes: Int)] = []
    private var oldest = 0
    private var pendingBytes = 0

    init(_ channel: any Channel, windowBytes: Int) {
        self.channel = channel
        self.windowBytes = windowBytes
    }

    /// Queues `frame` once there is room for it (a frame larger than the window waits for
    /// every earlier write).
    mutating func write(_ frame: ByteBuffer) async throws {
        let bytes = frame.readableBytes
        while pendingBytes > 0 && pendingBytes + bytes > windowBytes {
            try await completeOldest()
        }
        pending.append((channel.writeAndFlush(frame), bytes))
        pendingBytes += bytes
    }

    mutating func write(contentsOf frames: some Sequence<ByteBuffer>) async throws {
        for frame in frames { try await write(frame) }
    }

    /// Waits until every frame written so far has reached the socket (before a connection
    /// is closed, so that its last answer is not dropped).
    mutating func drain() async throws {
        while oldest < pending.count { try await completeOldest() }
    }

    private mutating func completeOldest() async throws {
        let write = pending[oldest]
        oldest += 1
        pendingBytes -= write.bytes
        if oldest == pending.count {
            pending.removeAll(keepingCapacity: true)
            oldest = 0
        }
        try await write.done.get()
    }
}
