import Foundation
import Learning

/// Reader for MedMNIST `.npz` files (Yang et al., "MedMNIST v2", Scientific Data 10:41, 2023).
///
/// A MedMNIST file holds `{train,val,test}_images` (N×H×W grayscale or N×H×W×C colour, uint8)
/// and `{train,val,test}_labels` ((N,) or (N, 1)). Images become channel-first `[C, H, W]`
/// Float examples in [0, 1] (pixel / 255, as torchvision's ToTensor does), because that is the
/// layout Cohort's convolution layers take. Labels are class indices, so even the binary sets
/// use `.multiclass(classes: 2)`, matching MedMNIST's own two-logit baselines.
public enum MedMNIST {
    /// BreastMNIST (780 breast ultrasound images, 28×28; label 0 malignant, 1 normal or benign),
    /// bundled with Cohort; see `Resources/medmnist/README.md` for provenance and citations.
    public static func bundledBreastMNIST() throws -> MedMNISTData {
        try load(from: BundledResources.url(for: "medmnist/breastmnist.npz"))
    }

    /// Reads a MedMNIST-style `.npz`. The number of classes is the largest label in any split
    /// plus one (at least 2), so every split shares one task.
    public static func load(from url: URL) throws -> MedMNISTData {
        let archive = try NPZArchive(contentsOf: url)
        let splits = ["train", "val", "test"]
        let images = try splits.map { try archive.array(named: "\($0)_images") }
        let labels = try zip(splits, images).map { split, images in
            try classIndices(
                archive.array(named: "\(split)_labels"), named: "\(split)_labels",
                rows: images.shape.first ?? 0, path: archive.path)
        }
        let classes = max(2, (labels.lazy.compactMap { $0.max() }.max() ?? 0) + 1)
        let datasets = try zip(splits, zip(images, labels)).map { split, pair in
            try dataset(
                images: pair.0, labels: pair.1, named: "\(split)_images",
                task: .multiclass(classes: Int(classes)), path: archive.path)
        }
        return MedMNISTData(train: datasets[0], validation: datasets[1], test: datasets[2])
    }

    /// Labels as Float class indices, refusing anything that is not a whole number >= 0.
    private static func classIndices(_ array: NPYArray, named name: String, rows: Int, path: String) throws -> [Float] {
        guard array.shape == [rows] || array.shape == [rows, 1] else {
            throw DatasetError.shapeMismatch(
                path: path, detail: "\(name) has shape \(array.shape) but there are \(rows) images (expected (\(rows),) or (\(rows), 1))")
        }
        let values = array.floatValues()
        if let bad = values.firstIndex(where: { !($0 >= 0 && $0 == $0.rounded() && $0 < 65_536) }) {
            throw DatasetError.invalidLabel(path: path, array: name, index: bad, value: "\(values[bad])")
        }
        return values
    }

    private static func dataset(images: NPYArray, labels: [Float], named name: String, task: Task, path: String) throws -> Dataset {
        let shape = images.shape
        guard shape.count == 3 || shape.count == 4, shape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw DatasetError.shapeMismatch(
                path: path, detail: "\(name) has shape \(shape); expected (N, height, width) or (N, height, width, channels)")
        }
        let (rows, height, width) = (shape[0], shape[1], shape[2])
        let channels = shape.count == 4 ? shape[3] : 1
        // Integer pixels are 0...255; float pixels are taken to be scaled already.
        var pixels = images.floatValues(dividedBy: images.dataType.isInteger ? 255 : 1)
        if channels > 1 { pixels = channelsFirst(pixels, rows: rows, height: height, width: width, channels: channels) }

        let data = Dataset(features: pixels, labels: labels, exampleShape: Shape([channels, height, width]), task: task)
        if let (row, column) = data.firstNonFiniteFeature {
            throw DatasetError.nonFiniteFeature(path: path, row: row + 1, column: "\(name) pixel \(column)")
        }
        if let flat = pixels.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            let (row, column) = (flat / data.featureCount, flat % data.featureCount)
            throw DatasetError.corruptFile(
                path: path, detail: "\(name)[\(row)] pixel \(column) is \(images.floatValues()[flat]), outside 0...255 (integer) or 0...1 (float)")
        }
        return data
    }

    /// NHWC (how MedMNIST stores colour images) to NCHW (how Cohort's layers read them).
    private static func channelsFirst(_ pixels: [Float], rows: Int, height: Int, width: Int, channels: Int) -> [Float] {
        let plane = height * width
        var out = [Float](repeating: 0, count: pixels.count)
        for n in 0..<rows {
            let base = n * plane * channels
            for p in 0..<plane {
                for c in 0..<channels { out[base + c * plane + p] = pixels[base + p * channels + c] }
            }
        }
        return out
    }
}
