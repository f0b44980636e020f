import Foundation
import Testing

@testable import Datasets

/// Found by fuzzing (Fuzz/, FuzzNumPy): a zip member whose ZIP64 record claims 16 TiB made
/// the reader reserve that much before inflating it, and the allocation trapped; with the
/// reservation bounded, reading to the claimed size spun on the end of the file for a minute.
@Suite(".npz member sizes")
struct NPZClaimedSizeTests {
    @Test(.timeLimit(.minutes(1)))
    func forgedHugeMemberSizeIsCorruptNotATrap() {
        // npz/member-claims-16tib.npz: one stored 152-byte member whose central directory
        // (ZIP64 extra field) lists an uncompressed size of 2^44 bytes.
        let url = Fixtures.url("npz/member-claims-16tib.npz")
        let error = #expect(throws: DatasetError.self) { try NPZArchive(contentsOf: url) }
        guard case .corruptFile(let path, let detail)? = error else {
            Issue.record("expected corruptFile, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
        #expect(detail.contains("train_images.npy") && detail.contains("17592186044416"))
    }
}
