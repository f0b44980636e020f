/// The element types Cohort reads from `.npy` files, parsed from a NumPy `descr` string such
/// as `'|u1'`, `'<f4'` or `'>i8'` (byte order, kind, size in bytes).
///
/// Only plain numeric scalars are accepted: strings, objects, structured records and complex
/// numbers have no meaning as model features, and refusing them by name beats misreading bytes.
public struct NPYDataType: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case bool, signedInteger, unsignedInteger, floatingPoint
    }

    public let kind: Kind
    /// Bytes per element.
    public let size: Int
    /// Whether elements are stored most-significant byte first ('>').
    public let isBigEndian: Bool
    /// The descr string as written in the file.
    public let descr: String

    public var description: String { descr }

    public var isInteger: Bool { kind == .signedInteger || kind == .unsignedInteger || kind == .bool }

    /// Parses `descr`; nil when the type is not one Cohort reads.
    public init?(descr: String) {
        let bytes = Array(descr.utf8)
        guard bytes.count >= 3, let size = Int(String(decoding: bytes[2...], as: UTF8.self)) else { return nil }
        let kind: Kind
        switch bytes[1] {
        case UInt8(ascii: "b"): kind = .bool
        case UInt8(ascii: "i"): kind = .signedInteger
        case UInt8(ascii: "u"): kind = .unsignedInteger
        case UInt8(ascii: "f"): kind = .floatingPoint
        default: return nil
        }
        let validSizes: Set<Int> =
            switch kind {
            case .bool: [1]
            case .signedInteger, .unsignedInteger: [1, 2, 4, 8]
            case .floatingPoint: [4, 8]
            }
        guard validSizes.contains(size) else { return nil }
        switch bytes[0] {
        case UInt8(ascii: "<"), UInt8(ascii: "|"), UInt8(ascii: "="): isBigEndian = false
        case UInt8(ascii: ">"): isBigEndian = size > 1
        default: return nil
        }
        self.kind = kind
        self.size = size
        self.descr = descr
    }
}
