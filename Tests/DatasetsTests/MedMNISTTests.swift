import Foundation
import Learning
import Testing

@testable import Datasets

/// medmnist-spotcheck.json, written by scripts/make_datasets_fixtures.py with numpy.
private struct SpotCheck: Decodable {
    struct Image: Decodable {
        var split: String
        var index: Int
        var label: Int
        var pixels: [String: Float]
        var sum: Double
    }
    var counts: [String: Int]
    var labelCounts: [String: [Int]]
    var images: [Image]
}

private func expectMatchesNumpy(_ data: MedMNISTData, _ reference: SpotCheck) {
    let splits = ["train": data.train, "val": data.validation, "test": data.test]
    for (split, count) in reference.counts {
        #expect(splits[split]!.count == count, "\(split) count")
        #expect(splits[split]!.classCounts == reference.labelCounts[split], "\(split) label counts")
    }
    for image in reference.images {
        let dataset = splits[image.split]!
        let base = image.index * dataset.featureCount
        #expect(dataset.labels[image.index] == Float(image.label), "\(image.split)[\(image.index)] label")
        for (position, value) in image.pixels {
            #expect(dataset.features[base + Int(position)!] == value, "\(image.split)[\(image.index)] pixel \(position)")
        }
        let sum = dataset.features[base..<(base + dataset.featureCount)].reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - image.sum) < 1e-6 * max(1, image.sum), "\(image.split)[\(image.index)] sum \(sum) vs \(image.sum)")
    }
}

@Suite("MedMNIST")
struct MedMNISTTests {
    @Test func bundledBreastMNISTHasTheOfficialSplits() throws {
        let data = try MedMNIST.bundledBreastMNIST()
        #expect([data.train.count, data.validation.count, data.test.count] as [Int] == [546, 78, 156])
        #expect(data.train.classCounts == [147, 399])
        #expect(data.validation.classCounts == [21, 57])
        #expect(data.test.classCounts == [42, 114])
        for split in [data.train, data.validation, data.test] {
            #expect(split.exampleShape == Shape([1, 28, 28]))
            #expect(split.task == .multiclass(classes: 2))
            #expect(split.features.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        // Real ultrasound images use the whole range; an all-zero or all-constant read would not.
        #expect(data.train.features.contains(0) || data.train.features.min()! < 0.05)
        #expect(data.train.features.max()! > 0.95)
    }

    @Test func breastMNISTPixelsEqualNumpy() throws {
        let reference = try Fixtures.decode([String: SpotCheck].self, from: "medmnist-spotcheck.json")["breastmnist"]!
        expectMatchesNumpy(try MedMNIST.bundledBreastMNIST(), reference)
    }

    @Test func pneumoniaMNISTFromTheSharedData() throws {
        guard FileManager.default.fileExists(atPath: Fixtures.pneumoniaMNIST.path) else {
            print("skipping PneumoniaMNIST checks: \(Fixtures.pneumoniaMNIST.path) does not exist on this machine")
            return
        }
        let data = try MedMNIST.load(from: Fixtures.pneumoniaMNIST)
        // Labels there are (N, 1); they must read the same as (N,) ones.
        #expect([data.train.count, data.validation.count, data.test.count] as [Int] == [3882, 524, 624])
        #expect(data.train.classCounts == [388, 3494])
        #expect(data.validation.classCounts == [135, 389])
        #expect(data.test.classCounts == [234, 390])
        #expect(data.train.exampleShape == Shape([1, 28, 28]))
        let reference = try Fixtures.decode([String: SpotCheck].self, from: "medmnist-spotcheck.json")["pneumoniamnist"]!
        expectMatchesNumpy(data, reference)
    }

    @Test(arguments: ["tiny-stored.npz", "tiny-deflated.npz"])
    func colourImagesBecomeChannelFirst(_ name: String) throws {
        let data = try MedMNIST.load(from: Fixtures.url("npz/\(name)"))
        let raw = try NPZArchive(contentsOf: Fixtures.url("npz/\(name)")).array(named: "train_images").floatValues()
        // Stored N x H(4) x W(3) x C(3); read as N x C x H x W.
        #expect(data.train.exampleShape == Shape([3, 4, 3]))
        #expect(data.train.count == 5 && data.validation.count == 2 && data.test.count == 3)
        for (n, c, h, w) in [(0, 0, 0, 0), (1, 2, 3, 1), (4, 1, 2, 2)] {
            let stored = raw[((n * 4 + h) * 3 + w) * 3 + c]
            #expect(data.train.features[n * 36 + c * 12 + h * 3 + w] == stored / 255)
        }
        let labels = try NPZArchive(contentsOf: Fixtures.url("npz/\(name)")).array(named: "test_labels").floatValues()
        #expect(data.test.labels == labels)
        #expect(data.train.task.classCount >= 2)
    }

    @Test func missingFileIsReported() {
        let missing = URL(fileURLWithPath: "/nonexistent/pneumoniamnist.npz")
        #expect(throws: DatasetError.fileNotFound(path: missing.path, remedy: "pass the path of an existing .npz file")) {
            try MedMNIST.load(from: missing)
        }
    }

    @Test func truncatedBreastMNISTIsReported() throws {
        try withScratchDirectory { folder in
            let bytes = try Data(contentsOf: Fixtures.breastMNIST)
            let url = folder.appendingPathComponent("breastmnist.npz")
            try bytes.prefix(400_000).write(to: url)
            do {
                _ = try MedMNIST.load(from: url)
                Issue.record("a truncated breastmnist.npz was accepted")
            } catch let error as DatasetError {
                guard case .truncatedFile(let path, _) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(path == url.path)
                #expect(error.description.hasPrefix(url.path) && !error.description.contains("\n"))
            }
        }
    }

    @Test func inconsistentArchivesAreReported() throws {
        let mismatch = Fixtures.url("npz/bad-label-count.npz")
        #expect(
            throws: DatasetError.shapeMismatch(
                path: mismatch.path, detail: "train_labels has shape [4] but there are 5 images (expected (5,) or (5, 1))")
        ) {
            try MedMNIST.load(from: mismatch)
        }
        let fractional = Fixtures.url("npz/bad-label-value.npz")
        #expect(throws: DatasetError.invalidLabel(path: fractional.path, array: "val_labels", index: 1, value: "0.5")) {
            try MedMNIST.load(from: fractional)
        }
        let nan = Fixtures.url("npz/nan-pixel.npz")
        #expect(throws: DatasetError.nonFiniteFeature(path: nan.path, row: 3, column: "test_images pixel 5")) {
            try MedMNIST.load(from: nan)
        }
        let noValidation = Fixtures.url("npz/no-validation.npz")
        #expect(throws: DatasetError.missingArray(path: noValidation.path, array: "val_images")) {
            try MedMNIST.load(from: noValidation)
        }
    }
}
