/// Non-overlapping max pooling (window = stride = `size`), NCHW. Remembers where each maximum
/// came from so the backward pass routes the gradient there and nowhere else.
public final class MaxPool2D: Layer {
    public let size: Int
    private var channels = 0, height = 0, width = 0
    private var outputHeight = 0, outputWidth = 0
    private var winners: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    private var winnerCapacity = 0
    public var kind: String { "maxpool" }

    public init(size: Int = 2) {
        precondition(size > 0, "pool size must be positive")
        self.size = size
    }

    deinit { winners.deallocate() }

    public func bind(inputShape: Shape) throws(ModelError) -> Shape {
        guard inputShape.rank == 3, inputShape.dimensions[1] >= size, inputShape.dimensions[2] >= size else {
            throw .shapeMismatch(layer: "maxpool", expected: "[channels, height >= \(size), width >= \(size)]", got: inputShape)
        }
        channels = inputShape.dimensions[0]
        height = inputShape.dimensions[1]
        width = inputShape.dimensions[2]
        outputHeight = height / size
        outputWidth = width / size
        return Shape(channels, outputHeight, outputWidth)
    }

    public func reserve(batchCapacity capacity: Int) {
        let needed = capacity * channels * outputHeight * outputWidth
        if winnerCapacity < needed {
            winners.deallocate()
            winners = .allocate(capacity: needed)
            winnerCapacity = needed
        }
    }

    public func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
                        parameters: UnsafePointer<Float>, training: Bool, generator: inout SeededGenerator) {
        let inputPlane = height * width
        var out = 0
        for plane in 0..<(batch * channels) {
            let x = input + plane * inputPlane
            for oh in 0..<outputHeight {
                for ow in 0..<outputWidth {
                    var best = (oh * size) * width + ow * size
                    var bestValue = x[best]
                    for i in 0..<size {
                        let rowStart = (oh * size + i) * width + ow * size
                        for j in 0..<size where x[rowStart + j] > bestValue {
                            bestValue = x[rowStart + j]
                            best = rowStart + j
                        }
                    }
                    output[out] = bestValue
                    winners[out] = Int32(best)
                    out += 1
                }
            }
        }
    }

    public func backward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                         outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                         batch: Int, parameters: UnsafePointer<Float>, parameterGradients: UnsafeMutablePointer<Float>) {
        guard let inputGradient else { return }
        let inputPlane = height * width
        let outputPlane = outputHeight * outputWidth
        inputGradient.update(repeating: 0, count: batch * channels * inputPlane)
        for plane in 0..<(batch * channels) {
            let dx = inputGradient + plane * inputPlane
            let base = plane * outputPlane
            for k in 0..<outputPlane {
                dx[Int(winners[base + k])] += outputGradient[base + k]
            }
        }
    }
}
