import Foundation
import Testing

@testable import Datasets

/// Loads `folder`, expecting a `DatasetError`; returns it so the test can check its details.
private func loadError(_ folder: URL, split: HeartDiseaseSplit = .flamby) -> DatasetError? {
    do {
        _ = try HeartDisease.load(from: folder, split: split)
        return nil
    } catch {
        return error as? DatasetError
    }
}

/// Every error message is one line and names the file it is about.
private func expectOneLine(_ error: DatasetError?, naming file: String) {
    let text = error.map(String.init(describing:)) ?? "no error"
    #expect(!text.contains("\n"), "\(text)")
    #expect(text.contains(file), "\(text)")
}

@Suite("Heart Disease input errors")
struct HeartDiseaseErrorTests {
    @Test func missingDirectory() {
        let folder = URL(fileURLWithPath: "/nonexistent/cohort-heart")
        let error = loadError(folder)
        guard case .directoryNotFound(let path, _)? = error else {
            Issue.record("expected directoryNotFound, got \(String(describing: error))")
            return
        }
        #expect(path == folder.path)
        expectOneLine(error, naming: "/nonexistent/cohort-heart")
    }

    @Test func missingFileIsNamedWithWhereToGetIt() throws {
        try withScratchDirectory { folder in
            try writeHeartFiles(to: folder)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("processed.va.data"))
            let error = loadError(folder)
            guard case .fileNotFound(let path, let remedy)? = error else {
                Issue.record("expected fileNotFound, got \(String(describing: error))")
                return
            }
            #expect(path.hasSuffix("processed.va.data"))
            #expect(remedy.contains("heart+disease"))
            expectOneLine(error, naming: "processed.va.data")
        }
    }

    @Test func wrongColumnCountNamesTheLine() throws {
        try withScratchDirectory { folder in
            try writeHeartFiles(to: folder, editing: "hungarian") { replacingLine(5, of: $0, with: "40,1,2,140,289,0,0,172,0,0,?,?,?") }
            let error = loadError(folder)
            #expect(
                error
                    == .wrongColumnCount(
                        path: folder.appendingPathComponent("processed.hungarian.data").path,
                        line: 5, found: 13, expected: 14))
            expectOneLine(error, naming: "processed.hungarian.data line 5")
        }
    }

    @Test func textWhereANumberBelongs() throws {
        try withScratchDirectory { folder in
            try writeHeartFiles(to: folder, editing: "cleveland") { replacingLine(2, of: $0, with: "67.0,1.0,4.0,160.0,,0.0,2.0,108.0,1.0,1.5,2.0,3.0,3.0,2") }
            let error = loadError(folder)
            #expect(
                error
                    == .malformedValue(
                        path: folder.appendingPathComponent("processed.cleveland.data").path,
                        line: 2, column: "chol", text: ""))
            expectOneLine(error, naming: "processed.cleveland.data line 2")
        }
    }

    @Test func missingLabelIsRefused() throws {
        try withScratchDirectory { folder in
            try writeHeartFiles(to: folder, editing: "va") { replacingLine(3, of: $0, with: "60,1,4,132,218,0,1,140,1,1.5,3,?,?,?") }
            let error = loadError(folder)
            #expect(error == .missingValue(path: folder.appendingPathComponent("processed.va.data").path, line: 3, column: "num"))
            expectOneLine(error, naming: "processed.va.data line 3")
        }
    }

    @Test func nanAndOverflowingFeaturesAreRefused() throws {
        try withScratchDirectory { folder in
            try writeHeartFiles(to: folder, editing: "cleveland") {
                replacingLine(4, of: $0, with: "37.0,1.0,3.0,130.0,nan,0.0,0.0,187.0,0.0,3.5,3.0,0.0,3.0,0")
            }
            let error = loadError(folder)
            #expect(error == .nonFiniteFeature(path: folder.appendingPathComponent("processed.cleveland.data").path, row: 4, column: "chol"))
            expectOneLine(error, naming: "processed.cleveland.data row 4")
        }
        try withScratchDirectory { folder in
            // fbs and restecg are '?' on that line, so FLamby drops the row and its oldpeak never counts.
            try writeHeartFiles(to: folder, editing: "switzerland") { replacingLine(2, of: $0, with: "34,1,4,115,0,?,?,154,0,1e40,1,?,?,1") }
            #expect(loadError(folder, split: .seeded(1)) == nil)
            // Filled in, the row is kept, and 1e40 overflows Float.
            try writeHeartFiles(to: folder, editing: "switzerland") { replacingLine(2, of: $0, with: "34,1,4,115,0,0,0,154,0,1e40,1,?,?,1") }
            #expect(
                loadError(folder, split: .seeded(1))
                    == .nonFiniteFeature(
                        path: folder.appendingPathComponent("processed.switzerland.data").path, row: 2, column: "oldpeak"))
        }
    }

    @Test func missingFeatureDropsTheRowAsFLambyDoes() throws {
        try withScratchDirectory { folder in
            // Cleveland line 1 is complete; a '?' in age removes it, leaving 302 usable rows.
            try writeHeartFiles(to: folder, editing: "cleveland") {
                replacingLine(1, of: $0, with: "?,1.0,1.0,145.0,233.0,1.0,2.0,150.0,0.0,2.3,3.0,0.0,6.0,0")
            }
            let data = try HeartDisease.load(from: folder, split: .seeded(3))
            #expect(data.sites[0].train.count + data.sites[0].test.count == 302)
            // The shipped FLamby split no longer fits that file, and says so.
            let error = loadError(folder)
            guard case .splitMismatch(let path, let detail)? = error else {
                Issue.record("expected splitMismatch, got \(String(describing: error))")
                return
            }
            #expect(path.hasSuffix("processed.cleveland.data"))
            #expect(detail.contains("302") && detail.contains("303"))
            expectOneLine(error, naming: "processed.cleveland.data")
        }
    }

    @Test func decimalParsingMatchesTheStandardLibrary() {
        for text in ["63.0", ".7", "-1.5", "0", "140", "2.3", "-0.5", "+4", "0.1", "123456.789012345", "1e3", "1234567890123456789", "nan"] {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { DecimalText.parse($0) }
            let reference = Double(text)!
            #expect(parsed.map { $0.bitPattern == reference.bitPattern || ($0.isNaN && reference.isNaN) } == true, "\(text)")
        }
        for text in ["", "-", ".", "1.2.3", "abc", "1,0"] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { DecimalText.parse($0) } == nil, "\(text)")
        }
    }
}
