import Foundation

/// One UCI `processed.<site>.data` file, cleaned the way FLamby cleans it.
///
/// FLamby drops slope, ca and thal (columns 10-12, mostly missing outside Cleveland) and then
/// drops every row that still has a '?', so missing values are removed rather than imputed;
/// `chol == 0` (a disguised missing value in Switzerland and VA) is kept, as FLamby keeps it.
/// The label column must be present, because a row without a diagnosis is a data error rather
/// than an incomplete record.
struct HeartDiseaseFile {
    /// The 14 attributes of the processed files, in file order (heart-disease.names, section 7).
    static let columnNames = [
        "age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
        "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num"
    ]
    /// Columns FLamby keeps as features, in file order: everything but slope, ca, thal and num.
    static let featureColumns = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    static let labelColumn = 13

    let path: String
    /// Kept rows, `featureColumns.count` values each, as written in the file.
    private(set) var features: [Double] = []
    /// 1 when num > 0 (any narrowing of 50% or more), else 0.
    private(set) var labels: [Float] = []
    /// The 1-based line each kept row came from, for error messages.
    private(set) var lineNumbers: [Int] = []

    var rowCount: Int { labels.count }

    init(contentsOf url: URL, remedy: String) throws {
        let bytes = try InputFile.contents(of: url, remedy: remedy)
        try self.init(bytes: bytes, path: url.path)
    }

    init(bytes: Data, path: String) throws {
        self.path = path
        features.reserveCapacity(bytes.count / 3)
        try bytes.withUnsafeBytes { raw in
            let text = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            var lineNumber = 1
            while lineStart < text.count {
                var lineEnd = lineStart
                while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                let line = UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd])
                try parseLine(line, number: lineNumber)
                lineStart = lineEnd + 1
                lineNumber += 1
            }
        }
    }

    private mutating func parseLine(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
        let line = Self.trimmed(line)
        // pandas and FLamby skip blank lines; so do we.
        if line.isEmpty { return }
        var fields = [UnsafeBufferPointer<UInt8>]()
        fields.reserveCapacity(Self.columnNames.count)
        var fieldStart = 0
        for index in 0...line.count where index == line.count || line[index] == UInt8(ascii: ",") {
            fields.append(Self.trimmed(UnsafeBufferPointer(rebasing: line[fieldStart..<index])))
            fieldStart = index + 1
        }
        guard fields.count == Self.columnNames.count else {
            throw DatasetError.wrongColumnCount(
                path: path, line: number, found: fields.count,
                expected: Self.columnNames.count)
        }

        let labelField = fields[Self.labelColumn]
        if Self.isMissing(labelField) {
            throw DatasetError.missingValue(path: path, line: number, column: Self.columnNames[Self.labelColumn])
        }
        let num = try value(labelField, line: number, column: Self.labelColumn)

        var row = [Double]()
        row.reserveCapacity(Self.featureColumns.count)
        for column in Self.featureColumns {
            if Self.isMissing(fields[column]) { return }  // FLamby drops the row
            row.append(try value(fields[column], line: number, column: column))
        }
        guard num.isFinite else {
            throw DatasetError.malformedValue(
                path: path, line: number, column: Self.columnNames[Self.labelColumn],
                text: String(decoding: labelField, as: UTF8.self))
        }
        features.append(contentsOf: row)
        labels.append(num > 0 ? 1 : 0)
        lineNumbers.append(number)
    }

    private func value(_ field: UnsafeBufferPointer<UInt8>, line: Int, column: Int) throws -> Double {
        guard let value = DecimalText.parse(field) else {
            throw DatasetError.malformedValue(
                path: path, line: line, column: Self.columnNames[column],
                text: String(decoding: field, as: UTF8.self))
        }
        return value
    }

    private static func isMissing(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        field.count == 1 && field[0] == UInt8(ascii: "?")
    }

    /// Drops surrounding spaces, tabs and a CR left by CRLF line ends.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }
}
