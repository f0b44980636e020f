#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

/// Random bits from the operating system's cryptographically secure generator, for the draws a
/// privacy guarantee rests on (DP noise, Poisson sampling). `SeededGenerator` is the wrong tool
/// there: its seed is in the study configuration every participant holds, so anyone could
/// regenerate the noise and subtract it. Nothing this generator returns can be recomputed.
///
/// It reads the kernel 4 KiB at a time, so millions of draws cost a few thousand system calls
/// rather than one each. The buffered bits belong to one generator: a copy that still shares
/// its original's buffer takes a fresh one at its next draw (see `next()`), so two copies never
/// return the same values, which a plain array buffer would.
public struct SecureRandomGenerator: RandomNumberGenerator, Sendable {
    private var buffer = KernelBits()

    /// A generator that reads nothing from the kernel until its first draw.
    public init() {}

    public mutating func next() -> UInt64 {
        if !isKnownUniquelyReferenced(&buffer) { buffer = KernelBits() }
        return buffer.take()
    }

    /// Uniform in [0, 1) with 53 random bits, the same construction as `SeededGenerator.nextUnitDouble()`.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

/// 4 KiB of kernel randomness and how much of it has been handed out. Only a generator that
/// holds the sole reference ever calls `take()`, the discipline of the standard library's
/// copy-on-write buffers, so no two threads ever mutate one.
private final class KernelBits: @unchecked Sendable {
    private static let capacity = 512
    private let words = UnsafeMutablePointer<UInt64>.allocate(capacity: KernelBits.capacity)
    private var position = KernelBits.capacity

    deinit { words.deallocate() }

    func take() -> UInt64 {
        if position == KernelBits.capacity {
            fillFromKernel(UnsafeMutableRawBufferPointer(start: words, count: KernelBits.capacity * MemoryLayout<UInt64>.size))
            position = 0
        }
        defer { position += 1 }
        return words[position]
    }
}

#if canImport(Glibc)
    /// The C library's `getrandom` (glibc 2.25 and later). Swift's Glibc module leaves out
    /// <sys/random.h>, so the symbol is looked up once, with C's calling convention spelt out.
    private let kernelGetRandom: (@convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int)? =
        dlsym(nil, "getrandom").map { unsafeBitCast($0, to: (@convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int).self) }
#endif

/// Fills `bytes` from the kernel's CSPRNG: `arc4random_buf` on Apple platforms, `getrandom` on
/// Linux. Where neither answers, the standard library's `SystemRandomNumberGenerator` (also
/// the kernel's generator, one call per word) fills it, or traps: running on without secure
/// randomness is never an option.
private func fillFromKernel(_ bytes: UnsafeMutableRawBufferPointer) {
    #if canImport(Darwin)
        arc4random_buf(bytes.baseAddress!, bytes.count)
        return
    #else
        var filled = 0
        #if canImport(Glibc)
            if let getrandom = kernelGetRandom {
                while filled < bytes.count {
                    let read = getrandom(bytes.baseAddress! + filled, bytes.count - filled, 0)
                    if read > 0 { filled += read } else if read < 0 && errno == EINTR { continue } else { break }
                }
            }
        #endif
        guard filled < bytes.count else { return }
        var system = SystemRandomNumberGenerator()
        while filled < bytes.count {
            var word = system.next()
            let count = min(MemoryLayout<UInt64>.size, bytes.count - filled)
            withUnsafeBytes(of: &word) { bytes.baseAddress!.advanced(by: filled).copyMemory(from: $0.baseAddress!, byteCount: count) }
            filled += count
        }
    #endif
}
