import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A round's updates, kept for aggregation rules that need each one (median, Krum...).
///
/// Updates stay in memory up to a budget; beyond it they go to an unlinked temporary file,
/// so the coordinator's memory stays bounded whatever the number of sites. Rules read the
/// store in blocks of coordinates (every update's values for a range of parameters), so
/// working memory is `updates x block`, not `updates x model`.
package final class UpdateStore {
    public let parameterCount: Int
    private let memoryBudget: Int
    private var resident: [[Float]] = []
    private var spilled = 0
    private var descriptor: Int32 = -1
    private var spillPath: String?

    public init(parameterCount: Int, memoryBudgetBytes: Int = 256 << 20) {
        self.parameterCount = parameterCount
        memoryBudget = memoryBudgetBytes
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public var count: Int { resident.count + spilled }

    /// Bytes held in memory (the rest is in the spill file).
    public var residentBytes: Int { resident.count * parameterCount * 4 }

    public func append(_ vector: [Float]) throws {
        precondition(vector.count == parameterCount, "update size differs from the store")
        if (resident.count + 1) * parameterCount * 4 <= memoryBudget || parameterCount == 0 {
            resident.append(vector)
            return
        }
        try openSpillFileIfNeeded()
        let offset = off_t(spilled) * off_t(parameterCount * 4)
        try vector.withUnsafeBytes { bytes in try writeFully(bytes, at: offset) }
        spilled += 1
    }

    /// Update `index` as a whole vector.
    public func vector(at index: Int) throws -> [Float] {
        if index < resident.count { return resident[index] }
        var result = [Float](repeating: 0, count: parameterCount)
        try result.withUnsafeMutableBytes { try readFully(into: $0, at: off_t(index - resident.count) * off_t(parameterCount * 4)) }
        return result
    }

    /// Calls `body` for consecutive coordinate ranges with a `count x range.count` row-major
    /// block: row `k` holds update `k`'s values for those coordinates.
    public func forEachBlock(coordinates blockSize: Int, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        let rows = count
        guard rows > 0, parameterCount > 0 else { return }
        let width = max(1, min(blockSize, parameterCount))
        let block = UnsafeMutableBufferPointer<Float>.allocate(capacity: rows * width)
        defer { block.deallocate() }
        var start = 0
        while start < parameterCount {
            let end = min(parameterCount, start + width)
            let span = end - start
            for k in 0..<rows {
                let target = UnsafeMutableBufferPointer(rebasing: block[(k * span)..<((k + 1) * span)])
                if k < resident.count {
                    resident[k].withUnsafeBufferPointer { source in
                        _ = target.update(fromContentsOf: source[start..<end])
                    }
                } else {
                    let offset = off_t(k - resident.count) * off_t(parameterCount * 4) + off_t(start * 4)
                    try readFully(into: UnsafeMutableRawBufferPointer(target), at: offset)
                }
            }
            try body(start..<end, UnsafeBufferPointer(rebasing: block[0..<(rows * span)]))
            start = end
        }
    }

    private func openSpillFileIfNeeded() throws {
        guard descriptor < 0 else { return }
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-updates-XXXXXX").path
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw UpdateStoreError.spill("cannot create a temporary file in \(FileManager.default.temporaryDirectory.path)") }
        // Unlinked at once: the data disappears with the process, even after a crash.
        _ = bytes.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        descriptor = fd
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer, at offset: off_t) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, offset + off_t(done))
            guard written > 0 else { throw UpdateStoreError.spill("writing the update spill file failed (disk full?)") }
            done += written
        }
    }

    private func readFully(into bytes: UnsafeMutableRawBufferPointer, at offset: off_t) throws {
        var done = 0
        while done < bytes.count {
            let read = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, offset + off_t(done))
            guard read > 0 else { throw UpdateStoreError.spill("reading the update spill file failed") }
            done += read
        }
    }
}

package enum UpdateStoreError: Error, CustomStringConvertible {
    case spill(String)

    public var description: String {
        switch self {
        case .spill(let text): text
        }
    }
}
