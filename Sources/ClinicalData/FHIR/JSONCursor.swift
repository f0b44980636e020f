#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why JSON could not be read at the cursor.
enum JSONFault: Error {
    /// The buffer ended inside a value: read more input and parse the unit again.
    case incomplete
    /// The bytes are not JSON; the message says what was expected.
    case malformed(String)
}

/// A pull reader over JSON bytes that only materializes what the caller asks for.
///
/// Foundation's `JSONSerialization` builds every dictionary and string of a bundle, most of
/// which (claims, narratives, identifiers) no study needs. The cursor instead lets a FHIR
/// reader walk keys, read the handful of values it wants and jump over the rest: strings are
/// skipped with `memchr`, runs of indentation eight bytes at a time, and containers by
/// matching brackets. Skipped values are checked for balanced brackets and closed strings,
/// not for every rule of the grammar (a stray `tru` inside an ignored claim goes unnoticed);
/// what the study reads is checked fully.
///
/// The cursor never reads past `end`; when a value runs into it, it throws `.incomplete` so
/// the streaming reader can refill its buffer and retry from the start of the unit.
struct JSONCursor {
    let base: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var position: UnsafePointer<UInt8>

    init(_ buffer: UnsafeBufferPointer<UInt8>, offset: Int = 0) {
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = base + buffer.count
        position = base + offset
    }

    var offset: Int { position - base }

    // MARK: Whitespace and structure

    /// The next byte that is not whitespace, without consuming it.
    @inline(__always)
    mutating func peek() throws(JSONFault) -> UInt8 {
        while position < end {
            let byte = position.pointee
            if byte > 0x20 { return byte }
            if byte == 0x20 {
                // Pretty-printed FHIR is mostly indentation: skip it a word at a time.
                position += 1
                while end - position >= 8,
                    UnsafeRawPointer(position).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020
                {
                    position += 8
                }
                continue
            }
            guard byte == 0x0A || byte == 0x0D || byte == 0x09 else {
                throw .malformed("control character 0x\(String(byte, radix: 16)) outside a string")
            }
            position += 1
        }
        throw .incomplete
    }

    /// Whether only whitespace remains.
    mutating func atEnd() throws(JSONFault) -> Bool {
        do {
            _ = try peek()
            return false
        } catch .incomplete {
            return true
        }
    }

    mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(JSONFault) {
        guard try peek() == byte else { throw .malformed("expected \(what()), found \(describeNext())") }
        position += 1
    }

    func describeNext() -> String {
        guard position < end else { return "the end" }
        let byte = position.pointee
        return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    mutating func enterObject() throws(JSONFault) {
        try expect(UInt8(ascii: "{"), "an object ('{')")
    }

    /// The next member's key (the cursor then stands before its value), or nil after the
    /// closing brace. `first` is true until the first member has been read.
    @inline(__always)
    mutating func nextKey(_ first: inout Bool) throws(JSONFault) -> JSONString? {
        var byte = try peek()
        if byte == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        if !first {
            guard byte == UInt8(ascii: ",") else { throw .malformed("expected ',' or '}' after a member, found \(describeNext())") }
            position += 1
            byte = try peek()
        }
        first = false
        guard byte == UInt8(ascii: "\"") else { throw .malformed("expected a key string, found \(describeNext())") }
        let key = try string()
        try expect(UInt8(ascii: ":"), "':' after a key")
        return key
    }

    mutating func enterArray() throws(JSONFault) {
        try expect(UInt8(ascii: "["), "an array ('[')")
    }

    /// Whether another element follows (the cursor then stands before it); false after ']'.
    @inline(__always)
    mutating func nextElement(_ first: inout Bool) throws(JSONFault) -> Bool {
        let byte = try peek()
        if byte == UInt8(ascii: "]") {
            position += 1
            return false
        }
        if !first {
            guard byte == UInt8(ascii: ",") else { throw .malformed("expected ',' or ']' after an element, found \(describeNext())") }
            position += 1
            _ = try peek()
        }
        first = false
        return true
    }

    // MARK: Values

    /// The raw bytes of the string at the cursor (escapes undecoded).
    @inline(__always)
    mutating func string() throws(JSONFault) -> JSONString {
        guard try peek() == UInt8(ascii: "\"") else { throw .malformed("expected a string, found \(describeNext())") }
        position += 1
        let start = position
        while true {
            guard position < end,
                let found = memchr(position, Int32(UInt8(ascii: "\"")), end - position)
            else { throw .incomplete }
            let quote = found.assumingMemoryBound(to: UInt8.self)
            var backslashes = 0
            var before = quote - 1
            while before >= start && before.pointee == UInt8(ascii: "\\") {
                backslashes += 1
                before -= 1
            }
            position = UnsafePointer(quote) + 1
            if backslashes % 2 == 0 {
                return JSONString(bytes: UnsafeBufferPointer(start: start, count: UnsafePointer(quote) - start))
            }
        }
    }

    /// A string value, or nil for `null`.
    mutating func optionalString() throws(JSONFault) -> JSONString? {
        if try peek() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        return try string()
    }

    mutating func number() throws(JSONFault) -> Double {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (first >= 48 && first <= 57) else {
            throw .malformed("expected a number, found \(describeNext())")
        }
        let start = position
        while position < end {
            let byte = position.pointee
            guard
                (byte >= 48 && byte <= 57) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            else { break }
            position += 1
        }
        // A number that touches the end of the buffer may continue in the next chunk.
        guard position < end else { throw .incomplete }
        guard let value = DecimalBytes.parse(UnsafeBufferPointer(start: start, count: position - start)) else {
            throw .malformed("'\(String(decoding: UnsafeBufferPointer(start: start, count: position - start), as: UTF8.self))' is not a number")
        }
        return value
    }

    mutating func bool() throws(JSONFault) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default: throw .malformed("expected true or false, found \(describeNext())")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONFault) {
        let count = word.utf8CodeUnitCount
        guard end - position >= count else { throw .incomplete }
        guard memcmp(position, word.utf8Start, count) == 0 else { throw .malformed("expected \(word), found \(describeNext())") }
        position += count
    }

    /// Steps over the value at the cursor, whatever it is.
    mutating func skipValue() throws(JSONFault) {
        switch try peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipContainer()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }

    /// Skips an object or array by matching brackets; a 64-bit stack of bracket kinds catches
    /// `{]`-style mismatches without allocating.
    private mutating func skipContainer() throws(JSONFault) {
        var kinds: UInt64 = 0  // bit set: '{', clear: '['
        var depth = 0
        while position < end {
            let byte = position.pointee
            switch byte {
            case UInt8(ascii: "\""):
                _ = try string()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < 64 else { throw .malformed("nesting deeper than 64 levels") }
                kinds = kinds << 1 | (byte == UInt8(ascii: "{") ? 1 : 0)
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0, (kinds & 1 == 1) == (byte == UInt8(ascii: "}")) else {
                    throw .malformed("mismatched '\(Character(Unicode.Scalar(byte)))'")
                }
                kinds >>= 1
                depth -= 1
                if depth == 0 {
                    position += 1
                    return
                }
            case 0x20:
                while end - position >= 9,
                    UnsafeRawPointer(position + 1).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020
                {
                    position += 8
                }
            default:
                break
            }
            position += 1
        }
        throw .incomplete
    }
}

/// The undecoded bytes of a JSON string, pointing into the reader's buffer (valid until the
/// buffer is refilled).
struct JSONString {
    let bytes: UnsafeBufferPointer<UInt8>

    var isEmpty: Bool { bytes.isEmpty }

    /// Byte-for-byte comparison with an ASCII literal (keys and FHIR codes never need decoding).
    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0
    }

    func equals(_ other: [UInt8]) -> Bool {
        bytes.count == other.count && other.withUnsafeBufferPointer { memcmp(bytes.baseAddress!, $0.baseAddress!, bytes.count) == 0 }
    }

    func hasPrefix(_ literal: StaticString) -> Bool {
        bytes.count >= literal.utf8CodeUnitCount && memcmp(bytes.baseAddress!, literal.utf8Start, literal.utf8CodeUnitCount) == 0
    }

    func dropFirst(_ count: Int) -> JSONString {
        JSONString(bytes: UnsafeBufferPointer(rebasing: bytes[Swift.min(count, bytes.count)...]))
    }

    /// The decoded text (escapes resolved; invalid UTF-8 repaired with U+FFFD).
    var text: String {
        guard !bytes.isEmpty, memchr(bytes.baseAddress!, Int32(UInt8(ascii: "\\")), bytes.count) != nil else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return decodeEscapes()
    }

    private func decodeEscapes() -> String {
        var scalars = String.UnicodeScalarView()
        var plain = [UInt8]()
        func flush() {
            if !plain.isEmpty {
                scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars)
                plain.removeAll()
            }
        }
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[at + offset])).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                plain.append(byte)
                index += 1
                continue
            }
            flush()
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "u"):
                guard var code = hex4(index) else {
                    scalars.append("\u{FFFD}")
                    continue
                }
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(escape))
            }
        }
        flush()
        return String(scalars)
    }
}
