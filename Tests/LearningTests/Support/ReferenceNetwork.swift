import Foundation

@testable import Learning

/// A network's forward pass recomputed in Double, straight from the definitions of its
/// layers (direct convolution loops, no im2col, no BLAS).
///
/// The whole-model gradient checks differentiate this numerically: in Double the steps can
/// be 1e-7, far smaller than the distance to the nearest ReLU or max-pool kink, where Float
/// round-off would swamp any step that small. Comparing its logits with the network's also
/// checks the optimized forward pass against a second, independent implementation.
struct ReferenceNetwork {
    let inputShape: Shape
    let layers: [any Layer]

    init(_ network: Network) {
        inputShape = network.inputShape
        layers = network.layers
    }

    /// Logits (`batch x output width`) for `input` (`batch x inputShape.count`).
    func logits(_ input: [Double], parameters: [Double], batch: Int) -> [Double] {
        var x = input
        var shape = inputShape.dimensions
        var offset = 0
        for layer in layers {
            let count = layer.parameterTensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
            let p = Array(parameters[offset..<(offset + count)])
            offset += count
            switch layer {
            case let dense as Dense:
                x = Self.dense(x, p, batch: batch, inputs: dense.inputCount, outputs: dense.outputCount)
                shape = [dense.outputCount]
            case let activation as Activation:
                x = x.map { v in
                    switch activation.function {
                    case .relu: max(v, 0)
                    case .sigmoid: 1 / (1 + exp(-v))
                    case .tanh: tanh(v)
                    }
                }
            case let conv as Conv2D:
                (x, shape) = Self.convolution(
                    x, p, batch: batch, shape: shape, outputs: conv.outputChannels,
                    kernel: conv.kernelSize, padding: conv.padding)
            case let pool as MaxPool2D:
                (x, shape) = Self.maxPool(x, batch: batch, shape: shape, size: pool.size)
            case is Flatten:
                shape = [shape.reduce(1, *)]
            case is Dropout:
                break  // evaluation mode
            default:
                fatalError("no reference for layer \(layer.kind)")
            }
        }
        precondition(offset == parameters.count, "parameters left over")
        return x
    }

    static func dense(_ x: [Double], _ p: [Double], batch: Int, inputs: Int, outputs: Int) -> [Double] {
        var y = [Double](repeating: 0, count: batch * outputs)
        for n in 0..<batch {
            for o in 0..<outputs {
                var sum = p[outputs * inputs + o]
                for i in 0..<inputs { sum += p[o * inputs + i] * x[n * inputs + i] }
                y[n * outputs + o] = sum
            }
        }
        return y
    }

    static func convolution(
        _ x: [Double], _ p: [Double], batch: Int, shape: [Int], outputs: Int,
        kernel: Int, padding: Int
    ) -> ([Double], [Int]) {
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let outHeight = height + 2 * padding - kernel + 1, outWidth = width + 2 * padding - kernel + 1
        var y = [Double](repeating: 0, count: batch * outputs * outHeight * outWidth)
        for n in 0..<batch {
            for o in 0..<outputs {
                for r in 0..<outHeight {
                    for c in 0..<outWidth {
                        var sum = p[outputs * channels * kernel * kernel + o]
                        for i in 0..<channels {
                            for a in 0..<kernel {
                                for b in 0..<kernel {
                                    let row = r + a - padding, column = c + b - padding
                                    guard row >= 0, row < height, column >= 0, column < width else { continue }
                                    sum +=
                                        p[((o * channels + i) * kernel + a) * kernel + b]
                                        * x[((n * channels + i) * height + row) * width + column]
                                }
                            }
                        }
                        y[((n * outputs + o) * outHeight + r) * outWidth + c] = sum
                    }
                }
            }
        }
        return (y, [outputs, outHeight, outWidth])
    }

    static func maxPool(_ x: [Double], batch: Int, shape: [Int], size: Int) -> ([Double], [Int]) {
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let outHeight = height / size, outWidth = width / size
        var y = [Double](repeating: 0, count: batch * channels * outHeight * outWidth)
        for plane in 0..<(batch * channels) {
            for r in 0..<outHeight {
                for c in 0..<outWidth {
                    var best = -Double.infinity
                    for a in 0..<size {
                        for b in 0..<size { best = max(best, x[(plane * height + r * size + a) * width + c * size + b]) }
                    }
                    y[(plane * outHeight + r) * outWidth + c] = best
                }
            }
        }
        return (y, [channels, outHeight, outWidth])
    }
}

extension ReferenceLoss {
    static func mean(logits: [Double], labels: [Float], task: Task) -> Double {
        mean(logits: logits, labels: labels.map(Double.init), task: task)
    }
}
