import CohortTestSupport
import Federation
import Foundation
import NIOCore
import Testing

@testable import Transport

/// The lane's frames as a receiver sees them, however TCP and TLS cut the stream.
@Suite("Vector lane frames")
struct LaneFrameTests {
    /// Hands out prepared buffers, as a connection would.
    struct Buffers: AsyncIteratorProtocol {
        var pending: [ByteBuffer]
        mutating func next() async throws -> ByteBuffer? { pending.isEmpty ? nil : pending.removeFirst() }
    }

    /// A request, two vectors' values in frames of 3 and 2 values, END, a receipt.
    static func stream() throws -> (bytes: [UInt8], delta: [Float], control: [Float]) {
        let delta: [Float] = [1.5, -2, 3.25, .infinity, 0]
        let control: [Float] = [7, 8]
        var request = Cohort_Deployment_V1_LaneRequest()
        request.download.taskID = "task-1"
        var receipt = Cohort_Deployment_V1_Receipt()
        receipt.reason = "fine"
        var stream = LaneFrame.message(.request, try request.serializedData())
        let vectors = [TaskVector(kind: .delta, values: delta), TaskVector(kind: .controlDelta, values: control)]
        for piece in VectorChunks.pieces(of: vectors, chunkBytes: 12) {
            var frame = LaneFrame.values(of: vectors[piece.vector], at: piece.vector, piece.range)
            stream.writeBuffer(&frame)
        }
        var end = LaneFrame.end()
        stream.writeBuffer(&end)
        var answer = LaneFrame.message(.receipt, try receipt.serializedData())
        stream.writeBuffer(&answer)
        return (Array(stream.readableBytesView), delta, control)
    }

    /// Reads `bytes` cut into pieces of `size` bytes; returns the events, values gathered.
    static func read(_ bytes: [UInt8], pieceSize size: Int, maxValuesBytes: Int = 1 << 20) async throws
        -> (requests: [String], values: [Int: [Float]], ends: Int, receipts: [String], valueEvents: Int)
    {
        let pieces = stride(from: 0, to: bytes.count, by: size).map { ByteBuffer(bytes: bytes[$0..<min(bytes.count, $0 + size)]) }
        var reader = LaneFrameReader(Buffers(pending: pieces), maxValuesBytes: maxValuesBytes)
        var requests: [String] = [], receipts: [String] = [], values: [Int: [Float]] = [:], ends = 0, valueEvents = 0
        while let event = try await reader.next() {
            switch event {
            case .request(let payload): requests.append(try Cohort_Deployment_V1_LaneRequest(serializedBytes: payload).download.taskID)
            case .receipt(let payload): receipts.append(try Cohort_Deployment_V1_Receipt(serializedBytes: payload).reason)
            case .end: ends += 1
            case .refused: Issue.record("no REFUSED frame was sent")
            case .values(let kind, let offset, let buffer):
                valueEvents += 1
                #expect(buffer.readableBytes % 4 == 0, "values are handed out as whole float32s")
                #expect(offset == values[kind, default: []].count, "pieces come in order, each at its offset")
                let floats = buffer.readableBytesView.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                values[kind, default: []] += floats
            }
        }
        return (requests, values, ends, receipts, valueEvents)
    }

    @Test("every way of cutting the stream, down to single bytes, gives the same frames and values")
    func everyCut() async throws {
        let (bytes, delta, control) = try Self.stream()
        for size in [1, 2, 3, 5, 7, 13, 16, 17, 64, bytes.count] {
            let read = try await Self.read(bytes, pieceSize: size)
            #expect(read.requests == ["task-1"], "pieces of \(size)")
            // Vectors are numbered by their place in the transfer: 0 the delta, 1 the control delta.
            #expect(read.values[0]?.map(\.bitPattern) == delta.map(\.bitPattern), "pieces of \(size)")
            #expect(read.values[1] == control, "pieces of \(size)")
            #expect(read.ends == 1 && read.receipts == ["fine"], "pieces of \(size)")
        }
        // Whole, each 12-byte VALUES frame is one event; cut in 5s, values wait for their last byte.
        #expect(try await Self.read(bytes, pieceSize: bytes.count).valueEvents == 3)
    }

    @Test("broken frames end the reader with a reason")
    func brokenFrames() async throws {
        let (bytes, _, _) = try Self.stream()
        // Closed in the middle of the first VALUES frame.
        await #expect(throws: LaneError.self) { _ = try await Self.read(Array(bytes.prefix(bytes.count - 40)), pieceSize: 7) }
        // An unknown frame type.
        var garbage = bytes
        garbage[0] = 9
        let unknown = await #expect(throws: LaneError.self) { _ = try await Self.read(garbage, pieceSize: 64) }
        #expect(unknown?.description.contains("unknown frame type 9") == true)
        // VALUES frames larger than the receiver allows (12 bytes here, 8 allowed).
        let large = await #expect(throws: LaneError.self) { _ = try await Self.read(bytes, pieceSize: 64, maxValuesBytes: 8) }
        #expect(large?.description.contains("VALUES frame of 12 bytes") == true)
        // A VALUES frame of a length that is not whole float32s.
        var values = LaneFrame.values(of: TaskVector(kind: .delta, values: [1, 2]), at: 0, 0..<2)
        values.setInteger(UInt32(7), at: values.readerIndex + 4, endianness: .little)
        await #expect(throws: LaneError.self) { _ = try await Self.read(Array(values.readableBytesView), pieceSize: 64) }
    }
}

@Suite("Shared download frames")
struct EncodedPayloadsTests {
    @Test("one encoding serves every download of the same arrays; other arrays, even with equal values, are encoded anew")
    func sharedByStorage() throws {
        let payloads = EncodedPayloads(chunkBytes: 8)
        let model: [Float] = [1, 2, 3, 4, 5]
        let vectors = [TaskVector(kind: .globalParameters, values: model)]
        let first = try #require(payloads.frames(of: vectors))
        #expect(first.count == 3)  // 2 + 2 + 1 values
        let again = try #require(payloads.frames(of: [TaskVector(kind: .globalParameters, values: model)]))
        let shared = zip(first, again).allSatisfy { a, b in
            a.withUnsafeReadableBytes { x in b.withUnsafeReadableBytes { y in x.baseAddress == y.baseAddress } }
        }
        #expect(shared, "the same arrays get the same buffers")
        let equalValues = (0..<5).map { Float($0 + 1) }  // a different array holding the same values
        let fresh = try #require(payloads.frames(of: [TaskVector(kind: .globalParameters, values: equalValues)]))
        #expect(fresh.map { Array($0.readableBytesView) } == first.map { Array($0.readableBytesView) })
        let distinct = zip(first, fresh).allSatisfy { a, b in
            a.withUnsafeReadableBytes { x in b.withUnsafeReadableBytes { y in x.baseAddress != y.baseAddress } }
        }
        #expect(distinct, "identity, not values, decides what is shared")
        let changed = try #require(payloads.frames(of: [TaskVector(kind: .globalParameters, values: [9, 9, 9, 9, 9])]))
        #expect(changed.first.map { Array($0.readableBytesView) } != first.first.map { Array($0.readableBytesView) })
        let large = [TaskVector(kind: .globalParameters, values: [Float](repeating: 0, count: EncodedPayloads.largestShared / 4 + 1))]
        #expect(payloads.frames(of: large) == nil, "payloads over the limit are not kept")
    }
}

/// What a faulty or foreign site gets from the vector lane: refusals with reasons, and a
/// connection that outlives a refused upload.
@Suite("Vector lane refusals", .serialized)
struct VectorLaneRefusalTests {
    @Test("an upload for an unknown task is refused and skipped, and the same connection then carries the honest upload")
    func refusedThenAccepted() async throws {
        let (receipts, outcome, lines) = try await UpdateRejectionTests.run(vectorLane: true) { lane, credentials in
            { _, offer in
                return try await VectorLane.with(lane, credentials: credentials) { lane in
                    let lane = try #require(lane)
                    let (unknownHeader, unknownVectors) = Cohort_Deployment_V1_UpdateHeader.announcing(
                        RawSite.update(for: offer, site: "north"), task: "00000000000000000000000000000000")
                    let unknown = try await lane.upload(header: unknownHeader, vectors: unknownVectors, chunkBytes: 64)
                    _ = try await lane.download(offer, keep: true)
                    let (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(RawSite.update(for: offer, site: "north"), task: offer.taskID)
                    let honest = try await lane.upload(header: header, vectors: vectors, chunkBytes: 64)
                    return [unknown, honest]
                }
            }
        }
        #expect(receipts[0].reason.contains("unknown task"))
        #expect(receipts[1].accepted)
        #expect(outcome.rounds[0].contributors == ["north", "south"])
        #expect(lines.contains("update-received site=north") && lines.contains("via=lane"))
    }

    @Test("NaN over the lane is refused with its index and recorded; a download of another task is refused")
    func nanAndForeignDownload() async throws {
        let (receipts, outcome, _) = try await UpdateRejectionTests.run(vectorLane: true) { lane, credentials in
            { _, offer in
                return try await VectorLane.with(lane, credentials: credentials) { lane in
                    let lane = try #require(lane)
                    var foreign = offer
                    foreign.taskID = "ffffffffffffffffffffffffffffffff"
                    let refusal = await #expect(throws: LaneRefusal.self) { _ = try await lane.download(foreign, keep: true) }
                    #expect(refusal?.reason.contains("unknown task") == true)
                    var delta = [Float](repeating: 0, count: Int(offer.parameterCount))
                    delta[3] = .nan
                    let (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(
                        RawSite.update(for: offer, site: "north", delta: delta), task: offer.taskID)
                    return [try await lane.upload(header: header, vectors: vectors, chunkBytes: 1 << 20)]
                }
            }
        }
        #expect(!receipts[0].accepted)
        #expect(receipts[0].reason.contains("NaN"))
        #expect(outcome.rounds[0].rejections.contains { $0.site == "north" && $0.reason.contains("NaN") })
        #expect(outcome.rounds[0].contributors == ["south"])
    }

    @Test("a frame of an unknown type closes the connection, logged with the reason; the round goes on")
    func garbageClosesTheConnection() async throws {
        let (receipts, outcome, lines) = try await UpdateRejectionTests.run(vectorLane: true) { lane, credentials in
            { _, _ in
                return try await VectorLane.with(lane, credentials: credentials) { lane in
                    let lane = try #require(lane)
                    var garbage = ByteBuffer()
                    garbage.writeRepeatingByte(0xEE, count: 64)
                    try await lane.send(garbage)
                    // The coordinator closes: the connection ends, without an answer.
                    let answer = try? await lane.nextEvent()
                    #expect(answer == nil)
                    return []
                }
            }
        }
        #expect(receipts.isEmpty)
        #expect(lines.all.contains { $0.contains("lane-connection-closed site=north") && $0.contains("unknown frame type 238") })
        #expect(outcome.rounds[0].contributors == ["south"])
    }

    @Test("a site's newer lane connection replaces its older one, which is closed; the newer carries the honest upload")
    func newerConnectionReplacesOlder() async throws {
        let (receipts, outcome, lines) = try await UpdateRejectionTests.run(vectorLane: true) { lane, credentials in
            { _, offer in
                return try await VectorLane.with(lane, credentials: credentials) { older in
                    let older = try #require(older)
                    _ = try await older.download(offer, keep: true)
                    return try await VectorLane.with(lane, credentials: credentials) { newer in
                        let newer = try #require(newer)
                        _ = try await newer.download(offer, keep: true)
                        let closed = try? await older.nextEvent()
                        #expect(closed == nil, "the older connection should be closed")
                        let (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(RawSite.update(for: offer, site: "north"), task: offer.taskID)
                        return [try await newer.upload(header: header, vectors: vectors, chunkBytes: 64)]
                    }
                }
            }
        }
        #expect(receipts.first?.accepted == true)
        #expect(lines.contains("lane-connection-replaced site=north"))
        #expect(outcome.rounds[0].contributors == ["north", "south"])
    }

    @Test("a certificate from another consortium's CA cannot open the lane")
    func foreignCertificate() async throws {
        let foreign = try TestConsortium(name: "other", sites: ["north"])
        defer { foreign.remove() }
        let (receipts, outcome, lines) = try await UpdateRejectionTests.run(vectorLane: true) { lane, credentials in
            // Another CA's "north", trusting the real coordinator (so that it is the coordinator that refuses).
            let authority = foreign.directory.path("real-ca.crt")
            try credentials.authorityPEM.write(to: authority, atomically: true, encoding: .utf8)
            let kit = foreign.layout.siteKit("north")
            let impostor = try Credentials(
                presenting: kit.appendingPathComponent(KitFile.siteCertificate),
                key: kit.appendingPathComponent(KitFile.siteKey), trusting: authority)
            return { _, offer in
                await #expect(throws: (any Error).self) {
                    try await VectorLane.with(lane, credentials: impostor) { lane in _ = try await lane!.download(offer, keep: true) }
                }
                return []
            }
        }
        #expect(receipts.isEmpty)
        #expect(lines.all.contains { $0.contains("connection-refused") && $0.contains("was not issued by the test consortium CA") })
        #expect(outcome.rounds[0].contributors == ["south"])
    }
}
