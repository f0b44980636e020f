import Foundation

/// One NumPy array read from the `.npy` format (versions 1.0, 2.0 and 3.0), C order only.
///
/// Format: NumPy Enhancement Proposal 1 and `numpy/lib/format.py`: the magic `\x93NUMPY`, a
/// major and minor version byte, a little-endian header length (2 bytes in 1.0, 4 bytes in
/// 2.0/3.0), a Python-literal header dict, then the raw elements. The elements stay as stored
/// until a caller asks for them as `Float`, so each array is converted in one pass, straight
/// into the buffer a `Dataset` keeps.
public struct NPYArray: Sendable {
    /// Dimensions, outermost first; `[]` for a scalar.
    public let shape: [Int]
    public let dataType: NPYDataType
    /// The element bytes exactly as stored (`count * dataType.size` of them).
    let payload: Data

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Parses a whole `.npy` file. `path` and `name` only label errors.
    public init(npyBytes bytes: Data, path: String, name: String) throws {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
        let start = bytes.startIndex
        guard bytes.count >= 10 else {
            let seen = min(bytes.count, magic.count)
            if bytes.prefix(seen).elementsEqual(magic.prefix(seen)) {
                throw DatasetError.truncatedFile(path: path, detail: "array '\(name)' ends inside its .npy header")
            }
            throw DatasetError.corruptFile(path: path, detail: "array '\(name)' is not in .npy format")
        }
        guard bytes.prefix(6).elementsEqual(magic) else {
            throw DatasetError.corruptFile(path: path, detail: "array '\(name)' does not start with the .npy magic bytes")
        }
        let major = bytes[start + 6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default:
            throw DatasetError.corruptFile(
                path: path, detail: "array '\(name)' uses .npy format \(major).\(bytes[start + 7]); Cohort reads 1.0 to 3.0")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw DatasetError.truncatedFile(path: path, detail: "array '\(name)' ends inside its .npy header")
        }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(bytes[start + 8 + k]) << (8 * k) }
        let headerStart = 8 + lengthBytes
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else {
            throw DatasetError.truncatedFile(path: path, detail: "array '\(name)' ends inside its .npy header")
        }

        guard case .dictionary(let header)? = PythonLiteral.parse(bytes[(start + headerStart)..<(start + dataStart)]) else {
            throw DatasetError.corruptFile(path: path, detail: "array '\(name)' has an unreadable .npy header")
        }
        guard let descrValue = header["descr"],
            case .boolean(let fortranOrder)? = header["fortran_order"],
            case .sequence(let dimensions)? = header["shape"]
        else {
            throw DatasetError.corruptFile(path: path, detail: "array '\(name)' header lacks descr, fortran_order or shape")
        }
        guard case .string(let descr) = descrValue, let dataType = NPYDataType(descr: descr) else {
            let shown = if case .string(let text) = descrValue { text } else { "structured record" }
            throw DatasetError.unsupportedDataType(path: path, array: name, dataType: shown)
        }
        var shape = [Int]()
        for dimension in dimensions {
            guard case .integer(let extent) = dimension, extent >= 0 else {
                throw DatasetError.corruptFile(path: path, detail: "array '\(name)' has an invalid shape in its header")
            }
            shape.append(extent)
        }
        // A Fortran-ordered vector has the same layout as a C-ordered one; only rank >= 2 differs.
        if fortranOrder && shape.count > 1 {
            throw DatasetError.unsupportedMemoryOrder(path: path, array: name)
        }

        var expectedBytes = dataType.size
        for extent in shape {
            let (product, overflow) = expectedBytes.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw DatasetError.corruptFile(path: path, detail: "array '\(name)' declares an impossible shape \(shape)")
            }
            expectedBytes = product
        }
        let availableBytes = bytes.count - dataStart
        guard availableBytes >= expectedBytes else {
            throw DatasetError.truncatedFile(
                path: path, detail: "array '\(name)' of shape \(shape) needs \(expectedBytes) bytes of data, found \(availableBytes)")
        }
        guard availableBytes == expectedBytes else {
            throw DatasetError.corruptFile(
                path: path, detail: "array '\(name)' has \(availableBytes - expectedBytes) bytes after its data")
        }
        self.shape = shape
        self.dataType = dataType
        self.payload = bytes[(start + dataStart)...]
    }

    /// Every element converted to `Float` and then divided by `divisor`, in storage (C) order.
    ///
    /// Division rather than multiplication by a reciprocal, because `x / 255` and `x * (1 / 255)`
    /// differ in the last bit for some x, and the reference pipelines (numpy, torchvision's
    /// ToTensor) divide.
    ///
    /// Integers wider than 24 bits round to the nearest Float; that is harmless for pixels and
    /// class labels, the only integers Cohort reads.
    public func floatValues(dividedBy divisor: Float = 1) -> [Float] {
        let count = count
        return payload.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                let big = dataType.isBigEndian
                func fill<T: FixedWidthInteger>(_: T.Type) {
                    for i in 0..<count {
                        let stored = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                        buffer[i] = Float(big ? T(bigEndian: stored) : T(littleEndian: stored)) / divisor
                    }
                }
                switch (dataType.kind, dataType.size) {
                case (.bool, _), (.unsignedInteger, 1): fill(UInt8.self)
                case (.signedInteger, 1): fill(Int8.self)
                case (.unsignedInteger, 2): fill(UInt16.self)
                case (.signedInteger, 2): fill(Int16.self)
                case (.unsignedInteger, 4): fill(UInt32.self)
                case (.signedInteger, 4): fill(Int32.self)
                case (.unsignedInteger, _): fill(UInt64.self)
                case (.signedInteger, _): fill(Int64.self)
                case (.floatingPoint, 4):
                    for i in 0..<count {
                        let stored = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                        buffer[i] = Float(bitPattern: big ? UInt32(bigEndian: stored) : UInt32(littleEndian: stored)) / divisor
                    }
                case (.floatingPoint, _):
                    for i in 0..<count {
                        let stored = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                        buffer[i] = Float(Double(bitPattern: big ? UInt64(bigEndian: stored) : UInt64(littleEndian: stored))) / divisor
                    }
                }
                initialized = count
            }
        }
    }
}
