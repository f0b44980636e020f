import Federation
import Foundation
import FuzzSupport
import NIOCore
@testable import Transport

/// An upload as a site sends it on the lane (request, VALUES frames of 16 bytes, END), cut
/// into reads of 16 and of 5 bytes; and the same frames after a refused request.
enum LaneSeeds {
    static func make() throws -> [String: Data] {
        let delta = TaskVector(kind: .delta, values: [0.5, -1, 2, 0, 0.25, 3, -0.125, 1])
        let mask = TaskVector(kind: VectorName("mask"), values: [1, 0, 1, 1, 0, 0, 1, 0])
        var request = Cohort_Deployment_V1_LaneRequest()
        request.upload.taskID = "t1"
        request.upload.study = "heart"
        request.upload.round = 1
        request.upload.parameterCount = 8
        request.upload.sampleCount = 100
        request.upload.payloadChecksum = ValuesChecksum.of([delta.values, mask.values])
        var stream = ByteBuffer()
        stream.writeImmutableBuffer(LaneFrame.message(.request, try request.serializedBytes()))
        for frame in LaneFrame.values(of: [delta, mask], chunkBytes: 16) { stream.writeImmutableBuffer(frame) }
        stream.writeImmutableBuffer(LaneFrame.end())
        let bytes = Array(stream.readableBytesView)
        var refused = ByteBuffer()
        refused.writeImmutableBuffer(LaneFrame.message(.refused, Data("stale".utf8)))
        return [
            "upload-reads-16.bin": Seeds.selected(15, bytes),
            "upload-reads-5.bin": Seeds.selected(4, bytes),
            "refused.bin": Seeds.selected(63, Array(refused.readableBytesView) + bytes),
        ]
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    Seeds.writeIfAsked(LaneSeeds.make)
    return 0
}
