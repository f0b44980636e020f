/// The subset of Python literal syntax that `.npy` headers are written in.
///
/// The header is `repr()` of a dict such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (546, 28, 28), }` (NumPy format spec,
/// numpy/lib/format.py). Parsing it as a small grammar, rather than searching for substrings,
/// keeps a structured dtype (a list of fields) or an odd shape from being misread.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case sequence([PythonLiteral])
    case dictionary([String: PythonLiteral])

    /// Parses one literal that makes up the whole of `text` (surrounding whitespace allowed).
    static func parse(_ text: some Collection<UInt8>) -> PythonLiteral? {
        var parser = Parser(bytes: Array(text))
        guard let value = parser.value() else { return nil }
        parser.skipWhitespace()
        return parser.atEnd ? value : nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position >= bytes.count }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func value() -> PythonLiteral? {
            skipWhitespace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "{"): return dictionary()
            case UInt8(ascii: "("): return sequence(closing: ")")
            case UInt8(ascii: "["): return sequence(closing: "]")
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return string().map(PythonLiteral.string)
            default: return word()
            }
        }

        mutating func string() -> String? {
            let quote = bytes[position]
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote {
                // Escapes never occur in the keys and dtype names NumPy writes; refuse rather than guess.
                if bytes[position] == UInt8(ascii: "\\") { return nil }
                position += 1
            }
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        /// Integers, True, False, None (NumPy may write shapes as e.g. `(3L,)` in old files).
        mutating func word() -> PythonLiteral? {
            let start = position
            while position < bytes.count,
                bytes[position] == UInt8(ascii: "-") || (bytes[position] >= 0x30 && bytes[position] <= 0x39)
                    || (bytes[position] | 0x20 >= UInt8(ascii: "a") && bytes[position] | 0x20 <= UInt8(ascii: "z"))
            {
                position += 1
            }
            var word = String(decoding: bytes[start..<position], as: UTF8.self)
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return PythonLiteral.none
            default:
                if word.hasSuffix("L") { word.removeLast() }
                return Int(word).map(PythonLiteral.integer)
            }
        }

        mutating func sequence(closing: Unicode.Scalar) -> PythonLiteral? {
            position += 1
            var items = [PythonLiteral]()
            while true {
                if consume(closing) { return .sequence(items) }
                guard let item = value() else { return nil }
                items.append(item)
                if consume(",") { continue }
                return consume(closing) ? .sequence(items) : nil
            }
        }

        mutating func dictionary() -> PythonLiteral? {
            position += 1
            var entries = [String: PythonLiteral]()
            while true {
                if consume("}") { return .dictionary(entries) }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "'") || bytes[position] == UInt8(ascii: "\""),
                    let key = string(), consume(":"), let item = value()
                else { return nil }
                entries[key] = item
                if consume(",") { continue }
                return consume("}") ? .dictionary(entries) : nil
            }
        }
    }
}
