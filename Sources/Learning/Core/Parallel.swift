import Dispatch

/// Data-parallel loops over large vectors (aggregation, benchmarks): a vector is cut into a
/// few disjoint chunks per core, each a tight loop that streams memory.
public enum Parallel {
    /// Below this many elements, threads cost more than they save.
    public static let threshold = 1 << 18

    /// Cores this process may use.
    public static let coreCount = max(1, sysconfProcessorCount())

    /// Runs `body` over disjoint ranges covering `0..<count`: inline for small counts, a few
    /// chunks per core otherwise.
    public static func forEachChunk(
        of count: Int, minimumChunk: Int = threshold / 4, parallelAbove: Int = threshold,
        _ body: @Sendable (Range<Int>) -> Void
    ) {
        guard count >= parallelAbove, coreCount > 1 else {
            body(0..<count)
            return
        }
        let chunks = max(1, min(coreCount * 4, count / max(minimumChunk, 1)))
        let size = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * size
            if start < count { body(start..<min(count, start + size)) }
        }
    }
}

/// A pointer handed to the worker threads of one parallel loop, each of which touches a
/// disjoint range: safe by construction, which the type system cannot see.
public struct SharedPointer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public init(_ pointer: UnsafeMutablePointer<Element>) { self.pointer = pointer }
    public init(_ pointer: UnsafePointer<Element>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}
