import Federation
import Foundation
import FuzzSupport
import NIOCore
@testable import Transport

/// The vector lane's frames as its server reads an upload: the first byte sets how the rest is
/// cut into the connection's reads (1-64 bytes each, so headers and values straddle reads),
/// and `LaneFrameReader` takes them: the request frame (its payload decoded as a LaneRequest,
/// whose checksum the values must match),
/// VALUES frames into a `VectorAssembler` expecting an 8-value delta and an 8-value mask up to
/// END, then whatever follows skipped as the server does after a refusal.
enum LaneTarget {
    /// The connection's reads, in order.
    struct Reads: AsyncIteratorProtocol {
        var pieces: [ByteBuffer]
        mutating func next() async throws -> ByteBuffer? {
            pieces.isEmpty ? nil : pieces.removeFirst()
        }
    }

    static func run(_ input: FuzzInput) {
        let (choice, stream) = input.selector(of: 64)
        let size = choice + 1
        let pieces = stride(from: stream.startIndex, to: stream.endIndex, by: size).map { start in
            ByteBuffer(bytes: stream[start..<min(start + size, stream.endIndex)])
        }
        blocking {
            var reader = LaneFrameReader(Reads(pieces: pieces), maxValuesBytes: 64)
            do {
                var checksum: UInt64 = 0
                if case .request(let payload)? = try await reader.next() {
                    do { checksum = try Cohort_Deployment_V1_LaneRequest(serializedBytes: payload).upload.payloadChecksum } catch {}
                }
                var assembler = VectorAssembler(expecting: [.init(kind: .delta, count: 8), .init(kind: VectorName("mask"), count: 8, binary: true)],
                                                maxChunkBytes: 64)
                try await reader.readValues(into: &assembler)
                _ = try assembler.complete(checksum: checksum)
            } catch {
                // A refused stream is an answer; only a trap or a sanitizer report is a finding.
            }
            do { _ = try await reader.skipValues(limit: 256) } catch {}
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    LaneTarget.run(FuzzInput(start, count))
    return 0
}
