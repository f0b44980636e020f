import Testing

@testable import Learning

/// Every layer's backward pass against finite differences of its forward pass, for the
/// gradient with respect to the input and to the parameters.
@Suite struct LayerGradientTests {
    @Test(arguments: [(batch: 4, inputs: 5, outputs: 3), (batch: 6, inputs: 20, outputs: 7), (batch: 1, inputs: 1, outputs: 1)])
    func dense(_ shape: (batch: Int, inputs: Int, outputs: Int)) throws {
        let (batch, inputs, outputs) = shape
        // The first shape takes the inline path for tiny products, the second the BLAS path.
        let probe = try LayerProbe(Dense(outputs: outputs), inputShape: Shape(inputs), batch: batch)
        var generator = SeededGenerator(seed: 21)
        probe.checkGradients(input: generator.floats(probe.inputCount), "dense \(inputs)->\(outputs) x\(batch)")
    }

    @Test(arguments: Activation.Function.allCases)
    func activation(function: Activation.Function) throws {
        let probe = try LayerProbe(Activation(function), inputShape: Shape(2, 3, 2), batch: 3)
        var generator = SeededGenerator(seed: 22)
        // Inputs clear of ReLU's kink at 0 by more than the step.
        let input = generator.floats(probe.inputCount, awayFromZeroBy: 0.05, magnitude: 3)
        probe.checkGradients(input: input, "\(function)")
    }

    @Test func dropoutBackwardMatchesForwardForTheSameMask() throws {
        let dropout = Dropout(rate: 0.4)
        let probe = try LayerProbe(dropout, inputShape: Shape(30), batch: 4)
        var generator = SeededGenerator(seed: 23)
        let input = generator.floats(probe.inputCount)
        let mask = SeededGenerator(seed: 5, stream: 8)
        probe.checkGradients(input: input, generator: mask, "dropout")

        // The mask keeps or drops whole units, scaling the kept ones by 1 / (1 - rate).
        let output = probe.forward(input, generator: mask)
        let dropped = zip(input, output).filter { $0.1 == 0 }.count
        #expect(zip(input, output).allSatisfy { x, y in y == 0 || abs(y - x / 0.6) <= 1e-6 * abs(x) })
        #expect(dropped > 20 && dropped < 76, "dropped \(dropped) of 120 at rate 0.4")
        // A different generator draws a different mask; evaluation mode is the identity.
        #expect(probe.forward(input, generator: SeededGenerator(seed: 6)) != output)
        #expect(probe.forward(input, training: false) == input)
    }

    @Test func dropoutWithRateZeroIsTheIdentity() throws {
        let probe = try LayerProbe(Dropout(rate: 0), inputShape: Shape(7), batch: 2)
        var generator = SeededGenerator(seed: 24)
        let input = generator.floats(probe.inputCount)
        #expect(probe.forward(input) == input)
        #expect(probe.gradients(input: input, outputGradient: input).input == input)
    }

    struct ConvolutionCase: Sendable, CustomTestStringConvertible {
        var inputChannels: Int, outputChannels: Int, height: Int, width: Int, kernel: Int, padding: Int, batch: Int
        var testDescription: String {
            "\(inputChannels)->\(outputChannels) on \(height)x\(width), k\(kernel) p\(padding), batch \(batch)"
        }
    }

    static let convolutions: [ConvolutionCase] = [
        // Same padding (the model's layers), two input channels, a non-square image.
        ConvolutionCase(inputChannels: 2, outputChannels: 3, height: 5, width: 6, kernel: 3, padding: 1, batch: 2),
        // No padding: the output shrinks.
        ConvolutionCase(inputChannels: 3, outputChannels: 2, height: 6, width: 5, kernel: 3, padding: 0, batch: 2),
        // More padding than "same": the output grows.
        ConvolutionCase(inputChannels: 2, outputChannels: 2, height: 4, width: 3, kernel: 3, padding: 2, batch: 1),
        // Same padding with a kernel larger than the image: taps fall entirely outside it.
        ConvolutionCase(inputChannels: 2, outputChannels: 2, height: 3, width: 2, kernel: 5, padding: 2, batch: 2),
        // A 1x1 kernel: a per-pixel dense layer over channels.
        ConvolutionCase(inputChannels: 3, outputChannels: 4, height: 3, width: 3, kernel: 1, padding: 0, batch: 3)
    ]

    @Test(arguments: convolutions)
    func convolution(_ c: ConvolutionCase) throws {
        let layer = Conv2D(outputChannels: c.outputChannels, kernelSize: c.kernel, padding: c.padding)
        let probe = try LayerProbe(layer, inputShape: Shape(c.inputChannels, c.height, c.width), batch: c.batch)
        var generator = SeededGenerator(seed: 25)
        probe.checkGradients(input: generator.floats(probe.inputCount), "conv \(c.testDescription)")
    }

    @Test(arguments: [
        (size: 2, channels: 2, height: 4, width: 6), (size: 2, channels: 1, height: 5, width: 7),
        (size: 3, channels: 2, height: 6, width: 7), (size: 2, channels: 3, height: 2, width: 10)
    ])
    func maxPooling(_ shape: (size: Int, channels: Int, height: Int, width: Int)) throws {
        let (size, channels, height, width) = shape
        let probe = try LayerProbe(MaxPool2D(size: size), inputShape: Shape(channels, height, width), batch: 2)
        var generator = SeededGenerator(seed: 26)
        // All values distinct and 0.05 apart: no window has a tie within the step.
        let input = generator.distinctFloats(probe.inputCount, gap: 0.05)
        probe.checkGradients(input: input, "maxpool \(size) on \(channels)x\(height)x\(width)")
    }

    @Test func flatten() throws {
        let probe = try LayerProbe(Flatten(), inputShape: Shape(2, 3, 4), batch: 2)
        #expect(probe.outputShape == Shape(24))
        var generator = SeededGenerator(seed: 27)
        let input = generator.floats(probe.inputCount)
        #expect(probe.forward(input) == input)
        probe.checkGradients(input: input, "flatten")
    }
}
