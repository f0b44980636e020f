import Foundation
import Testing

@testable import Datasets

/// npy/expected.json and npz/tiny-expected.json, written by scripts/make_datasets_fixtures.py.
private struct ExpectedArray: Decodable {
    var shape: [Int]
    var descr: String?
    var values: [Float]
}

private func readNPY(_ name: String) throws -> NPYArray {
    let url = Fixtures.url("npy/\(name)")
    return try NPYArray(npyBytes: Data(contentsOf: url), path: url.path, name: name)
}

private func npyError(_ name: String) -> DatasetError? {
    do {
        _ = try readNPY(name)
        return nil
    } catch { return error as? DatasetError }
}

@Suite(".npy reader")
struct NPYArrayTests {
    @Test(arguments: ["u1-v1.npy", "f4-v2.npy", "f8-v3.npy", "i8-v1.npy", "f4-big-endian.npy", "b1-v1.npy", "scalar-f4.npy"])
    func readsWhatNumpyWrote(_ name: String) throws {
        let expected = try Fixtures.decode([String: ExpectedArray].self, from: "npy/expected.json")[name]!
        let array = try readNPY(name)
        #expect(array.shape == expected.shape)
        #expect(array.dataType.descr == expected.descr)
        let values = array.floatValues()
        #expect(values.count == expected.values.count)
        #expect(zip(values, expected.values).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(values) vs \(expected.values)")
    }

    @Test func dividesIntegersExactlyAsNumpy() throws {
        // numpy: (arange(24, dtype=uint8) * 10).astype(float32) / 255
        let values = try readNPY("u1-v1.npy").floatValues(dividedBy: 255)
        #expect(values[1] == Float(10) / 255)
        #expect(values[23] == Float(230) / 255)
    }

    @Test func refusesFortranOrder() {
        #expect(npyError("fortran-f4.npy") == .unsupportedMemoryOrder(path: Fixtures.url("npy/fortran-f4.npy").path, array: "fortran-f4.npy"))
        let text = npyError("fortran-f4.npy").map(String.init(describing:)) ?? ""
        #expect(text.contains("fortran-f4.npy") && text.contains("np.ascontiguousarray") && !text.contains("\n"))
    }

    @Test func refusesUnsupportedDataTypesByName() {
        #expect(npyError("unicode.npy") == .unsupportedDataType(path: Fixtures.url("npy/unicode.npy").path, array: "unicode.npy", dataType: "<U3"))
        #expect(
            npyError("structured.npy")
                == .unsupportedDataType(
                    path: Fixtures.url("npy/structured.npy").path, array: "structured.npy", dataType: "structured record"))
    }

    @Test func truncatedPayloadAndHeaderAreReported() throws {
        let bytes = try Data(contentsOf: Fixtures.url("npy/f4-v2.npy"))
        for cut in [bytes.count - 1, 128, 9, 3] {
            do {
                _ = try NPYArray(npyBytes: bytes.prefix(cut), path: "cut.npy", name: "x")
                Issue.record("a copy cut to \(cut) bytes was accepted")
            } catch let error as DatasetError {
                guard case .truncatedFile(let path, _) = error else {
                    Issue.record("cut to \(cut): expected truncatedFile, got \(error)")
                    continue
                }
                #expect(path == "cut.npy")
            }
        }
    }

    @Test func corruptMagicVersionAndTrailingBytesAreReported() throws {
        let bytes = try Data(contentsOf: Fixtures.url("npy/f4-v2.npy"))
        var badMagic = bytes
        badMagic[1] = UInt8(ascii: "X")
        var badVersion = bytes
        badVersion[6] = 9
        for (what, damaged) in [("magic", badMagic), ("version", badVersion), ("trailing", bytes + [0, 0, 0, 0])] {
            do {
                _ = try NPYArray(npyBytes: damaged, path: "bad.npy", name: "x")
                Issue.record("\(what): damaged array was accepted")
            } catch let error as DatasetError {
                guard case .corruptFile(let path, _) = error else {
                    Issue.record("\(what): \(error)")
                    continue
                }
                #expect(path == "bad.npy")
            }
        }
    }

    @Test func parsesHeaderLiteralsStrictly() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (546, 28, 28), }     \n"
        #expect(
            PythonLiteral.parse(Array(header.utf8))
                == .dictionary([
                    "descr": .string("<f4"), "fortran_order": .boolean(false),
                    "shape": .sequence([.integer(546), .integer(28), .integer(28)])
                ]))
        #expect(PythonLiteral.parse(Array("{'shape': (3,), }".utf8)) == .dictionary(["shape": .sequence([.integer(3)])]))
        #expect(PythonLiteral.parse(Array("{'shape': (3,".utf8)) == nil)
        #expect(PythonLiteral.parse(Array("{'a': 1} extra".utf8)) == nil)
    }
}

@Suite(".npz reader")
struct NPZArchiveTests {
    @Test(arguments: ["tiny-stored.npz", "tiny-deflated.npz"])
    func readsStoredAndDeflatedMembers(_ name: String) throws {
        let expected = try Fixtures.decode([String: ExpectedArray].self, from: "npz/tiny-expected.json")
        let archive = try NPZArchive(contentsOf: Fixtures.url("npz/\(name)"))
        #expect(Set(archive.arrays.keys) == Set(expected.keys))
        for (key, reference) in expected {
            let array = try archive.array(named: key)
            #expect(array.shape == reference.shape, "\(key)")
            #expect(array.floatValues() == reference.values, "\(key)")
        }
    }

    @Test func missingFileAndMissingArray() throws {
        #expect(throws: DatasetError.fileNotFound(path: "/nonexistent/x.npz", remedy: "pass the path of an existing .npz file")) {
            try NPZArchive(contentsOf: URL(fileURLWithPath: "/nonexistent/x.npz"))
        }
        let archive = try NPZArchive(contentsOf: Fixtures.url("npz/tiny-stored.npz"))
        #expect(throws: DatasetError.missingArray(path: archive.path, array: "extra_images")) {
            try archive.array(named: "extra_images")
        }
    }

    @Test func truncatedArchiveIsReported() throws {
        try withScratchDirectory { folder in
            let bytes = try Data(contentsOf: Fixtures.url("npz/tiny-deflated.npz"))
            let url = folder.appendingPathComponent("cut.npz")
            try bytes.prefix(bytes.count / 2).write(to: url)
            do {
                _ = try NPZArchive(contentsOf: url)
                Issue.record("a half archive was accepted")
            } catch let error as DatasetError {
                guard case .truncatedFile(let path, _) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(path == url.path)
                #expect(error.description.contains("cut.npz") && !error.description.contains("\n"))
            }
        }
    }

    @Test func corruptMemberDataIsReported() throws {
        try withScratchDirectory { folder in
            for name in ["tiny-stored.npz", "tiny-deflated.npz"] {
                var bytes = try Data(contentsOf: Fixtures.url("npz/\(name)"))
                // Flip bits in the first member's data (its local header is 30 bytes + the name):
                // the CRC-32 check (stored) or inflate (deflated) must notice.
                let offset = 30 + "train_images.npy".utf8.count + 140
                bytes[offset] ^= 0x5A
                bytes[offset + 1] ^= 0xA5
                let url = folder.appendingPathComponent(name)
                try bytes.write(to: url)
                do {
                    _ = try NPZArchive(contentsOf: url)
                    Issue.record("\(name): damaged member data was accepted")
                } catch let error as DatasetError {
                    guard case .corruptFile(let path, _) = error else {
                        Issue.record("\(name): \(error)")
                        continue
                    }
                    #expect(path == url.path)
                }
            }
        }
    }
}
