import Testing

@testable import Learning

/// The network's bookkeeping: parameter layout, buffer reuse, and the ReLU it folds into a
/// preceding convolution, which must compute exactly what the two layers do one after the other.
@Suite struct NetworkTests {
    @Test func layoutNamesTensorsByKindAndPosition() throws {
        let network = try Network(
            inputShape: Shape(1, 6, 6),
            layers: ModelSpec.cnn(channels: [2, 3], hidden: 4)
                .makeLayers(inputShape: Shape(1, 6, 6), task: .multiclass(classes: 3)), seed: 0)
        #expect(
            network.layout.tensors.map(\.name) == [
                "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"
            ])
        #expect(network.layout["conv2.weight"]?.shape == [3, 2, 3, 3])
        #expect(network.layout["dense1.weight"]?.shape == [4, 3])
        #expect(network.outputShape == Shape(3))
        #expect(network.parameters.count == network.layout.count && network.gradients.count == network.layout.count)
    }

    /// The same layers run one by one through `LayerProbe` (no fusion) and through a network.
    @Test(arguments: [false, true])
    func foldedReLUComputesWhatTheLayersComputeSeparately(samePadding: Bool) throws {
        let shape = Shape(2, 6, 5), batch = 3
        func layers() -> [any Layer] {
            [Conv2D(outputChannels: 3, kernelSize: 3, padding: samePadding ? 1 : 0), Activation(.relu), Flatten(), Dense(outputs: 2)]
        }
        let network = try Network(inputShape: shape, layers: layers(), seed: 4)
        var generator = SeededGenerator(seed: 81)
        let input = generator.floats(batch * shape.count, in: -2..<2)
        let upstream = generator.floats(batch * 2)

        // Layer by layer, with the network's parameters.
        let separate = layers()
        var probes: [LayerProbe] = []
        var current = shape
        var offset = 0
        for layer in separate {
            let probe = try LayerProbe(layer, inputShape: current, batch: batch)
            probe.parameters = Array(network.parameterVector[offset..<(offset + probe.parameterCount)])
            offset += probe.parameterCount
            current = probe.outputShape
            probes.append(probe)
        }
        var activations = [input]
        for probe in probes { activations.append(probe.forward(activations.last!)) }
        var gradient = upstream
        var parameterGradients: [[Float]] = []
        for (index, probe) in probes.enumerated().reversed() {
            let result = probe.gradients(input: activations[index], outputGradient: gradient)
            parameterGradients.insert(result.parameters, at: 0)
            gradient = result.input
        }

        var networkInputGradient = [Float](repeating: .nan, count: input.count)
        var sink = SeededGenerator(seed: 0)
        let output = input.withUnsafeBufferPointer { x in
            let y = network.forward(x.baseAddress!, batch: batch, training: true, generator: &sink)
            let logits = Array(UnsafeBufferPointer(start: y, count: batch * 2))
            upstream.withUnsafeBufferPointer { g in
                networkInputGradient.withUnsafeMutableBufferPointer { dx in
                    network.backward(input: x.baseAddress!, outputGradient: g.baseAddress!, batch: batch, inputGradient: dx.baseAddress!)
                }
            }
            return logits
        }
        #expect(output == activations.last!)
        #expect(network.gradients.array == parameterGradients.flatMap { $0 })
        #expect(networkInputGradient == gradient)
    }

    @Test func growingTheBatchKeepsResultsPerExample() throws {
        // Buffers grow when a larger batch arrives; row i's output must not depend on the batch.
        let network = try Network(
            inputShape: Shape(1, 5, 5),
            layers: ModelSpec.cnn(channels: [2, 2], hidden: 3)
                .makeLayers(inputShape: Shape(1, 5, 5), task: .binary), seed: 1)
        var generator = SeededGenerator(seed: 82)
        let input = generator.floats(7 * 25)
        func outputs(batch: Int) -> [Float] {
            var sink = SeededGenerator(seed: 0)
            return input.withUnsafeBufferPointer { x in
                Array(
                    UnsafeBufferPointer(
                        start: network.forward(x.baseAddress!, batch: batch, training: false, generator: &sink),
                        count: batch))
            }
        }
        let small = outputs(batch: 2), large = outputs(batch: 7), again = outputs(batch: 2)
        #expect(Array(large.prefix(2)) == small)
        #expect(again == small)
    }
}
