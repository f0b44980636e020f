import Learning

/// A site's Lockdown subspace (Huang et al., NeurIPS 2023): a 0/1 mask over the model's
/// parameters saying which ones this site trains and sends.
///
/// Initial density per tensor follows Erdős–Rényi-Kernel (ERK, Evci et al. 2020): a tensor of
/// shape (d1, ..., dk) gets density proportional to (d1 + ... + dk) / (d1 x ... x dk), scaled so
/// the whole model has the target density; tensors that would exceed 1 are kept dense and the
/// rest rescaled. Biases (rank-1 tensors) stay dense, as in the Lockdown code.
struct SubspaceMask {
    var values: [Float]
    let layout: ParameterLayout

    init(layout: ParameterLayout, density: Float, seed: UInt64) {
        self.layout = layout
        values = [Float](repeating: 1, count: layout.count)
        let weights = layout.tensors.filter { $0.shape.count > 1 }
        let densities = SubspaceMask.erkDensities(shapes: weights.map(\.shape), target: Double(density))
        var generator = SeededGenerator(seed: seed, stream: 0x10CD)
        for (tensor, tensorDensity) in zip(weights, densities) {
            let keep = Int((tensorDensity * Double(tensor.count)).rounded())
            for i in tensor.range { values[i] = 0 }
            for index in generator.permutation(tensor.count).prefix(keep) { values[tensor.offset + index] = 1 }
        }
    }

    /// A mask restored from a checkpoint.
    init(layout: ParameterLayout, values: [Float]) {
        self.layout = layout
        self.values = values
    }

    static func erkDensities(shapes: [[Int]], target: Double) -> [Double] {
        let sizes = shapes.map { Double($0.reduce(1, *)) }
        let raw = shapes.map { Double($0.reduce(0, +)) / Double($0.reduce(1, *)) }
        var dense = Set<Int>()
        while true {
            let budget = target * sizes.reduce(0, +) - dense.map { sizes[$0] }.reduce(0, +)
            let weighted = shapes.indices.filter { !dense.contains($0) }.map { raw[$0] * sizes[$0] }.reduce(0, +)
            let epsilon = weighted > 0 ? budget / weighted : 0
            let overflow = shapes.indices.filter { !dense.contains($0) && epsilon * raw[$0] > 1 }
            if overflow.isEmpty {
                return shapes.indices.map { dense.contains($0) ? 1 : max(0, epsilon * raw[$0]) }
            }
            dense.formUnion(overflow)
        }
    }

    var activeCount: Int { values.reduce(0) { $0 + Int($1) } }

    /// Recovery: per weight tensor, switch on the `rate` share (of its active count) of
    /// inactive coordinates with the largest gradient magnitude.
    mutating func recover(gradient: [Float], rate: Float) {
        for tensor in layout.tensors where tensor.shape.count > 1 {
            let active = tensor.range.filter { values[$0] == 1 }.count
            let count = Int((rate * Float(active)).rounded())
            guard count > 0 else { continue }
            let inactive = tensor.range.filter { values[$0] == 0 }
            for i in inactive.sorted(by: { (abs(gradient[$0]), $1) > (abs(gradient[$1]), $0) }).prefix(count) { values[i] = 1 }
        }
    }

    /// Pruning: per weight tensor, switch off the `rate` share of active coordinates with the
    /// smallest weight magnitude.
    mutating func prune(weights: [Float], rate: Float) {
        for tensor in layout.tensors where tensor.shape.count > 1 {
            let active = tensor.range.filter { values[$0] == 1 }
            let count = Int((rate * Float(active.count)).rounded())
            guard count > 0 else { continue }
            for i in active.sorted(by: { (abs(weights[$0]), $0) < (abs(weights[$1]), $1) }).prefix(count) { values[i] = 0 }
        }
    }
}
