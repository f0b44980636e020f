import Testing

@testable import Datasets

@Suite("DatasetError messages")
struct DatasetErrorTests {
    static let path = "/data/site-3/processed.va.data"

    static let everyCase: [DatasetError] = [
        .fileNotFound(path: path, remedy: "download it"),
        .directoryNotFound(path: path, remedy: "create it"),
        .unreadableFile(path: path, reason: "permission denied"),
        .truncatedFile(path: path, detail: "ends early"),
        .corruptFile(path: path, detail: "bad CRC"),
        .unsupportedDataType(path: path, array: "x", dataType: "<U3"),
        .unsupportedMemoryOrder(path: path, array: "x"),
        .missingArray(path: path, array: "val_images"),
        .shapeMismatch(path: path, detail: "546 images, 545 labels"),
        .wrongColumnCount(path: path, line: 7, found: 13, expected: 14),
        .malformedValue(path: path, line: 7, column: "chol", text: "abc"),
        .missingValue(path: path, line: 7, column: "num"),
        .nonFiniteFeature(path: path, row: 7, column: "oldpeak"),
        .invalidLabel(path: path, array: "train_labels", index: 3, value: "0.5"),
        .splitMismatch(path: path, detail: "has 199 rows")
    ]

    @Test(arguments: everyCase)
    func oneLineThatNamesTheFileAndSaysWhatToDo(_ error: DatasetError) {
        let text = error.description
        #expect(!text.contains("\n"))
        #expect(text.hasPrefix(Self.path))
        // The remedy follows a semicolon: "<file>: <what is wrong>; <what to do>".
        #expect(text.contains("; "), "\(text)")
    }

    @Test func rowAndLineAppearWhereTheyExist() {
        #expect(DatasetError.wrongColumnCount(path: "f", line: 12, found: 3, expected: 14).description.hasPrefix("f line 12:"))
        #expect(DatasetError.nonFiniteFeature(path: "f", row: 5, column: "chol").description.hasPrefix("f row 5:"))
    }
}
