import Testing

@testable import Learning

/// Runs one layer on its own, outside a network, on plain arrays: the harness the layer
/// gradient checks drive.
final class LayerProbe {
    let layer: any Layer
    let inputShape: Shape
    let outputShape: Shape
    let batch: Int
    let parameterCount: Int
    var parameters: [Float]

    init(_ layer: any Layer, inputShape: Shape, batch: Int, seed: UInt64 = 1) throws {
        self.layer = layer
        self.inputShape = inputShape
        self.batch = batch
        outputShape = try layer.bind(inputShape: inputShape)
        parameterCount = layer.parameterTensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
        var generator = SeededGenerator(seed: seed, stream: 3)
        var initial = [Float](repeating: 0, count: max(parameterCount, 1))
        initial.withUnsafeMutableBufferPointer { layer.initialize(parameters: $0.baseAddress!, using: &generator) }
        parameters = Array(initial.prefix(parameterCount))
        layer.reserve(batchCapacity: batch)
    }

    var inputCount: Int { batch * inputShape.count }
    var outputCount: Int { batch * outputShape.count }

    /// The layer's output for `input`; `generator` is passed by value, so every call with the
    /// same generator draws the same dropout mask.
    func forward(
        _ input: [Float], parameters: [Float]? = nil, training: Bool = true,
        generator: SeededGenerator = SeededGenerator(seed: 99)
    ) -> [Float] {
        precondition(input.count == inputCount)
        var generator = generator
        var output = [Float](repeating: .nan, count: outputCount)
        let weights = padded(parameters ?? self.parameters)
        input.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    layer.forward(
                        input: x.baseAddress!, output: y.baseAddress!, batch: batch,
                        parameters: w.baseAddress!, training: training, generator: &generator)
                }
            }
        }
        return output
    }

    /// Forward then backward for `outputGradient`. The gradient buffers start as NaN, so a
    /// layer that accumulates into them instead of writing them shows up as NaN.
    func gradients(input: [Float], outputGradient: [Float], generator: SeededGenerator = SeededGenerator(seed: 99))
        -> (input: [Float], parameters: [Float])
    {
        precondition(outputGradient.count == outputCount)
        let output = forward(input, generator: generator)
        var inputGradient = [Float](repeating: .nan, count: inputCount)
        var parameterGradient = [Float](repeating: .nan, count: max(parameterCount, 1))
        let weights = padded(parameters)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeBufferPointer { dy in
                    weights.withUnsafeBufferPointer { w in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            parameterGradient.withUnsafeMutableBufferPointer { dw in
                                layer.backward(
                                    input: x.baseAddress!, output: y.baseAddress!, outputGradient: dy.baseAddress!,
                                    inputGradient: dx.baseAddress!, batch: batch, parameters: w.baseAddress!,
                                    parameterGradients: dw.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (inputGradient, Array(parameterGradient.prefix(parameterCount)))
    }

    /// Checks both gradients of the layer against finite differences of `output · probe`,
    /// for a random probe vector.
    func checkGradients(
        input: [Float], check: GradientCheck = GradientCheck(), seed: UInt64 = 5,
        generator: SeededGenerator = SeededGenerator(seed: 99), _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var random = SeededGenerator(seed: seed, stream: 11)
        let probe = random.floats(outputCount)
        let analytic = gradients(input: input, outputGradient: probe, generator: generator)
        check.compare(analytic.input, at: input, "\(label) d/dinput", sourceLocation: sourceLocation) { x in
            self.forward(x, generator: generator).dot(probe)
        }
        if parameterCount > 0 {
            check.compare(analytic.parameters, at: parameters, "\(label) d/dparameters", sourceLocation: sourceLocation) { w in
                self.forward(input, parameters: w, generator: generator).dot(probe)
            }
        }
    }

    private func padded(_ values: [Float]) -> [Float] { values.isEmpty ? [0] : values }
}
