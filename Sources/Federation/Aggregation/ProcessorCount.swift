import Foundation

/// The number of cores this process may use, read once.
enum ProcessorCount {
    static let active: Int = ProcessInfo.processInfo.activeProcessorCount
}
