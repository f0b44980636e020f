import Foundation

/// The bytes libFuzzer hands a target, and the ways targets split them.
public struct FuzzInput {
    public let data: Data

    public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
        data = start.map { Data(bytes: $0, count: count) } ?? Data()
    }

    /// The first byte picks one of `choices` (0 for an empty input); the rest is the payload.
    public func selector(of choices: Int) -> (choice: Int, payload: Data) {
        guard let first = data.first else { return (0, Data()) }
        return (Int(first) % choices, data.dropFirst())
    }

    /// The input cut at each `separator` byte, into at most `limit` parts.
    public func parts(separatedBy separator: UInt8, limit: Int) -> [Data] {
        data.split(separator: separator, maxSplits: limit - 1, omittingEmptySubsequences: false).map { Data($0) }
    }
}
