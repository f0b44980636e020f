/// Reads CSV records (RFC 4180: quoted fields may hold delimiters, doubled quotes and line
/// breaks) from a file a chunk at a time, so a large extract is never held whole.
final class CSVRecordReader {
    struct Record {
        /// 1-based line where the record starts.
        var line: Int
        var fields: [String]
    }

    private let file: ChunkedFile
    private let delimiter: UInt8
    private var consumed = 0
    private var line = 1
    private var started = false

    init(path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws(ChunkedFileError) {
        file = try ChunkedFile(path: path, chunkSize: 1 << 20)
        self.delimiter = delimiter
    }

    var bytesRead: Int { file.totalBytes }

    /// The next record, nil at the end of the file. Blank lines are skipped.
    func next() throws(ChunkedFileError) -> Record? {
        if !started {
            started = true
            _ = try file.refill(discarding: 0)
            // A UTF-8 byte order mark (spreadsheet exports) is dropped.
            if file.count >= 3, file.buffer[0] == 0xEF, file.buffer[1] == 0xBB, file.buffer[2] == 0xBF { consumed = 3 }
        }
        while true {
            if let (record, end, lines) = parseRecord(from: consumed) {
                consumed = end
                let start = line
                line += lines
                if record.count == 1 && record[0].isEmpty { continue }
                return Record(line: start, fields: record)
            }
            // The record runs past the buffer (or the file has ended).
            if file.atEndOfFile {
                guard consumed < file.count else { return nil }
                let (record, lines) = parseFinal(from: consumed)
                consumed = file.count
                let start = line
                line += lines
                if record.count == 1 && record[0].isEmpty { return nil }
                return Record(line: start, fields: record)
            }
            _ = try file.refill(discarding: consumed)
            consumed = 0
        }
    }

    /// A complete record starting at `start` (ending with a line break outside quotes), its
    /// end offset and how many line breaks it spans; nil when the buffer ends first.
    private func parseRecord(from start: Int) -> ([String], Int, Int)? {
        var fields = [String]()
        var field = [UInt8]()
        var index = start
        var quoted = false
        var lines = 0
        let bytes = file.buffer
        let count = file.count
        while index < count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 2
                        continue
                    }
                    if index + 1 >= count && !file.atEndOfFile { return nil }
                    quoted = false
                } else {
                    if byte == UInt8(ascii: "\n") { lines += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else if byte == UInt8(ascii: "\n") {
                if field.last == UInt8(ascii: "\r") { field.removeLast() }
                fields.append(String(decoding: field, as: UTF8.self))
                return (fields, index + 1, lines + 1)
            } else {
                field.append(byte)
            }
            index += 1
        }
        return nil
    }

    /// The last record of a file that does not end with a line break.
    private func parseFinal(from start: Int) -> ([String], Int) {
        file.appendNewlineForFinalRecord()
        guard let (fields, _, lines) = parseRecord(from: start) else { return ([""], 0) }
        return (fields, lines)
    }
}

extension ChunkedFile {
    /// Lets the CSV reader finish a last line that has no line break.
    fileprivate func appendNewlineForFinalRecord() {
        appendByte(UInt8(ascii: "\n"))
    }
}
