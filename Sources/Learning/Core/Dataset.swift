/// What a model predicts, which fixes the label encoding, the output width and the loss.
public enum Task: Hashable, Sendable, Codable {
    /// One logit per example; labels are 0 or 1.
    case binary
    /// `classes` logits per example; labels are class indices stored as Float (0, 1, ...).
    case multiclass(classes: Int)

    /// Width of the model's output layer.
    public var outputWidth: Int {
        switch self {
        case .binary: 1
        case .multiclass(let classes): classes
        }
    }

    public var classCount: Int {
        switch self {
        case .binary: 2
        case .multiclass(let classes): classes
        }
    }
}

/// A labelled set of examples held as one contiguous row-major Float32 buffer.
///
/// Row `i` occupies `features[i * exampleShape.count ..< (i + 1) * exampleShape.count]`.
/// Value semantics make it `Sendable`, so a site can hand its test split to an evaluator
/// without copying (copy-on-write).
public struct Dataset: Sendable, Hashable {
    public private(set) var features: [Float]
    public private(set) var labels: [Float]
    public let exampleShape: Shape
    public let task: Task

    public init(features: [Float], labels: [Float], exampleShape: Shape, task: Task) {
        precondition(
            features.count == labels.count * exampleShape.count,
            "features (\(features.count)) must hold \(labels.count) rows of \(exampleShape.count)")
        self.features = features
        self.labels = labels
        self.exampleShape = exampleShape
        self.task = task
    }

    public var count: Int { labels.count }
    public var isEmpty: Bool { labels.isEmpty }
    public var featureCount: Int { exampleShape.count }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: some Collection<Int>) -> Dataset {
        let width = exampleShape.count
        var x = [Float]()
        x.reserveCapacity(indices.count * width)
        var y = [Float]()
        y.reserveCapacity(indices.count)
        for i in indices {
            x.append(contentsOf: features[(i * width)..<((i + 1) * width)])
            y.append(labels[i])
        }
        return Dataset(features: x, labels: y, exampleShape: exampleShape, task: task)
    }

    /// Concatenates datasets of the same shape and task (e.g. to build the pooled baseline).
    public static func concatenating(_ parts: [Dataset]) -> Dataset {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let shape = parts[0].exampleShape
        let task = parts[0].task
        precondition(
            parts.allSatisfy { $0.exampleShape == shape && $0.task == task },
            "datasets differ in shape or task")
        return Dataset(
            features: parts.flatMap(\.features), labels: parts.flatMap(\.labels),
            exampleShape: shape, task: task)
    }

    /// Number of examples per class (index = class).
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: task.classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// Applies `(x - mean) / (std + epsilon)` per feature, with statistics from elsewhere
    /// (a site's train split, or federated statistics).
    public func standardized(by statistics: FeatureStatistics) -> Dataset {
        precondition(statistics.mean.count == featureCount, "statistics width differs from the data")
        var x = features
        let width = featureCount
        x.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<count {
                for j in 0..<width {
                    buffer[row * width + j] = (buffer[row * width + j] - statistics.mean[j]) / (statistics.standardDeviation[j] + statistics.epsilon)
                }
            }
        }
        return Dataset(features: x, labels: labels, exampleShape: exampleShape, task: task)
    }

    /// Index of the first non-finite feature value, if any; data with NaN or infinity is
    /// refused at load time rather than silently poisoning training.
    public var firstNonFiniteFeature: (row: Int, column: Int)? {
        guard let flat = features.withUnsafeBufferPointer({ FloatScan.firstNonFinite(in: $0) }) else { return nil }
        return (flat / featureCount, flat % featureCount)
    }
}

/// Per-feature mean and standard deviation used for standardization.
public struct FeatureStatistics: Sendable, Hashable, Codable {
    public var mean: [Float]
    public var standardDeviation: [Float]
    public var epsilon: Float

    public init(mean: [Float], standardDeviation: [Float], epsilon: Float = 1e-9) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.epsilon = epsilon
    }

    /// Mean and unbiased (n - 1) standard deviation of each column, accumulated in Double,
    /// as `torch.std` computes them (FLamby standardizes with exactly this).
    public init(of data: Dataset, epsilon: Float = 1e-9) {
        let width = data.featureCount
        let n = data.count
        var sum = [Double](repeating: 0, count: width)
        for row in 0..<n {
            for j in 0..<width { sum[j] += Double(data.features[row * width + j]) }
        }
        let mean = sum.map { $0 / Double(max(n, 1)) }
        var squares = [Double](repeating: 0, count: width)
        for row in 0..<n {
            for j in 0..<width {
                let d = Double(data.features[row * width + j]) - mean[j]
                squares[j] += d * d
            }
        }
        let std = squares.map { n > 1 ? ($0 / Double(n - 1)).squareRoot() : 0 }
        self.init(mean: mean.map(Float.init), standardDeviation: std.map(Float.init), epsilon: epsilon)
    }
}
