import Foundation
import Testing

@testable import Learning

/// Forward passes against the direct definitions in `ReferenceNetwork` (Double loops). The
/// gradient checks only prove a layer's backward pass agrees with its own forward pass; this
/// proves the forward pass computes the right function, for the shapes PyTorch's fixtures
/// do not cover (no padding, extra padding, large and 1x1 kernels, odd pooling sizes).
@Suite struct LayerForwardTests {
    @Test(arguments: LayerGradientTests.convolutions)
    func convolutionMatchesDirectDefinition(_ c: LayerGradientTests.ConvolutionCase) throws {
        let layer = Conv2D(outputChannels: c.outputChannels, kernelSize: c.kernel, padding: c.padding)
        let probe = try LayerProbe(layer, inputShape: Shape(c.inputChannels, c.height, c.width), batch: c.batch)
        var generator = SeededGenerator(seed: 71)
        let input = generator.floats(probe.inputCount)
        let (expected, shape) = ReferenceNetwork.convolution(
            input.map(Double.init), probe.parameters.map(Double.init), batch: c.batch,
            shape: [c.inputChannels, c.height, c.width], outputs: c.outputChannels, kernel: c.kernel, padding: c.padding)
        #expect(shape == probe.outputShape.dimensions)
        expectClose(probe.forward(input), expected, relative: 1e-5, "conv \(c.testDescription)")
    }

    @Test(arguments: [
        (size: 2, height: 4, width: 6), (size: 2, height: 5, width: 7), (size: 3, height: 6, width: 7),
        (size: 3, height: 3, width: 3), (size: 2, height: 2, width: 11)
    ])
    func maxPoolingMatchesDirectDefinition(_ shape: (size: Int, height: Int, width: Int)) throws {
        let probe = try LayerProbe(MaxPool2D(size: shape.size), inputShape: Shape(3, shape.height, shape.width), batch: 2)
        var generator = SeededGenerator(seed: 72)
        let input = generator.floats(probe.inputCount)
        let (expected, dimensions) = ReferenceNetwork.maxPool(
            input.map(Double.init), batch: 2,
            shape: [3, shape.height, shape.width], size: shape.size)
        #expect(dimensions == probe.outputShape.dimensions)
        #expect(probe.forward(input).map(Double.init) == expected)
    }

    @Test func maxPoolingTiesGoToTheFirstMaximumInRowMajorOrder() throws {
        // One 2x2 window per case, all four equal or with a tied maximum: the gradient must go
        // to exactly one pixel, the first of the tied ones (PyTorch's choice).
        let probe = try LayerProbe(MaxPool2D(size: 2), inputShape: Shape(1, 2, 2), batch: 4)
        let input: [Float] = [1, 1, 1, 1, 0, 2, 2, 0, 0, 0, 3, 3, -1, -2, -1, 5]
        #expect(probe.forward(input) == [1, 2, 3, 5])
        let routed = probe.gradients(input: input, outputGradient: [10, 20, 30, 40]).input
        #expect(routed == [10, 0, 0, 0, 0, 20, 0, 0, 0, 0, 30, 0, 0, 0, 0, 40])
    }

    @Test(arguments: [(batch: 3, inputs: 4, outputs: 2), (batch: 9, inputs: 30, outputs: 11)])
    func denseMatchesDirectDefinition(_ shape: (batch: Int, inputs: Int, outputs: Int)) throws {
        let probe = try LayerProbe(Dense(outputs: shape.outputs), inputShape: Shape(shape.inputs), batch: shape.batch)
        var generator = SeededGenerator(seed: 73)
        let input = generator.floats(probe.inputCount)
        let expected = ReferenceNetwork.dense(
            input.map(Double.init), probe.parameters.map(Double.init),
            batch: shape.batch, inputs: shape.inputs, outputs: shape.outputs)
        expectClose(probe.forward(input), expected, relative: 1e-5, "dense \(shape)")
    }

    @Test func activationsMatchTheirDefinitions() throws {
        var generator = SeededGenerator(seed: 74)
        let input = generator.floats(40, in: -6..<6) + [0, -0.0, 30, -30, .infinity, -.infinity]
        for function in Activation.Function.allCases {
            let probe = try LayerProbe(Activation(function), inputShape: Shape(input.count), batch: 1)
            let output = probe.forward(input)
            for (x, y) in zip(input, output) {
                let exact: Double =
                    switch function {
                    case .relu: max(Double(x), 0)
                    case .sigmoid: 1 / (1 + exp(-Double(x)))
                    case .tanh: tanh(Double(x))
                    }
                let close = Double(y) == exact || abs(Double(y) - exact) <= 1e-6 * max(1, abs(exact))
                #expect(close, "\(function)(\(x)) = \(y), expected \(exact)")
            }
        }
        // A NaN is not hidden by the ReLU.
        let relu = try LayerProbe(Activation(.relu), inputShape: Shape(9), batch: 1)
        #expect(relu.forward([1, 2, 3, 4, 5, 6, 7, .nan, .nan]).suffix(2).allSatisfy { $0.isNaN })
        #expect(relu.forward([.nan, 2, 3, 4, 5, 6, 7, 8, 9])[0].isNaN)
    }
}
