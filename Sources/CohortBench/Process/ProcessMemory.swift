import Foundation

/// Resident memory of this process, for benchmarks that report peak memory.
package enum ProcessMemory {
    /// Peak resident set size (VmHWM on Linux, ru_maxrss elsewhere), in bytes.
    package static func peakResidentBytes() -> Int {
        #if os(Linux)
            if let value = statusField("VmHWM:") { return value }
        #endif
        var usage = rusage()
        #if os(Linux)
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Int(usage.ru_maxrss) * 1024
        #else
            getrusage(RUSAGE_SELF, &usage)
            return Int(usage.ru_maxrss)
        #endif
    }

    package static func currentResidentBytes() -> Int? {
        #if os(Linux)
            return statusField("VmRSS:")
        #else
            return nil
        #endif
    }

    /// Resets the kernel's peak counter so a measurement starts from the current size (Linux >= 4.0).
    @discardableResult
    package static func resetPeak() -> Bool {
        #if os(Linux)
            return (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        #else
            return false
        #endif
    }

    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.split(separator: " ").dropFirst().first { Int($0) != nil }
            return digits.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
