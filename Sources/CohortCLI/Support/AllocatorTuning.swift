#if canImport(Glibc)
    import Glibc
#endif

/// How a coordinator of a large model keeps its memory near its live data.
///
/// Models and updates cross the wire in 1 MiB chunks, allocated and freed by many threads.
/// glibc serves large allocations with mmap (returned at once when freed), but raises that
/// threshold (up to 32 MiB) after the first large free, and from then on chunk buffers come
/// from heap arenas whose freed space stays resident. Holding the threshold at 1 MiB keeps
/// chunk buffers mmapped, at the price of fresh pages (page faults) for every chunk:
///
/// - 10 sites x 50M parameters: peak 6.3x the model by default, 2.8x held
///   (`cohort bench deploy --memory --memory-params 5e7`);
/// - 10 sites x 1M parameters: 123 ms per round by default, 207 ms held.
///
/// So the threshold is held only for models of `compactFromBytes` and more, where memory
/// is what runs out; smaller studies keep the faster default. Elsewhere (macOS) the system
/// allocator is left as it is.
enum AllocatorTuning {
    static let compactFromBytes = 64 << 20
    static let mmapThresholdBytes: Int32 = 1 << 20
    /// `M_MMAP_THRESHOLD` of <malloc.h>; neither it nor `mallopt` is exported by the Glibc
    /// module, so the function is looked up by name.
    private static let mmapThresholdOption: Int32 = -3

    /// Returns whether the allocator was tuned for compactness.
    @discardableResult
    static func prepare(forModelBytes bytes: Int) -> Bool {
        guard bytes >= compactFromBytes else { return false }
        #if canImport(Glibc)
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(nil, "mallopt") else { return false }
            return unsafeBitCast(symbol, to: MallOpt.self)(mmapThresholdOption, mmapThresholdBytes) == 1
        #else
            return false
        #endif
    }
}
