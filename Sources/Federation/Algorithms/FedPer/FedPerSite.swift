import Learning

/// FedPer at a site: the personal head (the model's last tensors) is the site's own. Each
/// round starts from the global base with the site's head, and the head's change never
/// leaves: the delta is zero there.
public struct FedPerSite: SiteAlgorithm {
    public static let name = FedPer.algorithmName
    /// The head's values; empty until the site first trains (it then starts from the global head).
    private var head: [Float] = []
    /// Where the head sits in the flat parameters.
    private var headRange: Range<Int>?

    public init() {}

    public var state: ComponentState {
        guard let headRange, !head.isEmpty else { return .empty }
        return ComponentState(vectors: ["head": head], scalars: ["head_offset": Double(headRange.lowerBound)])
    }

    public mutating func restore(_ state: ComponentState, layout: ParameterLayout) throws {
        head = state.vectors["head"] ?? []
        headRange = nil
        guard !head.isEmpty else { return }
        let offset = Int(exactly: state.scalars["head_offset"] ?? -1) ?? -1
        guard offset >= 0, offset + head.count == layout.count else {
            throw StateMismatch("the site's FedPer head (\(head.count) values at \(offset)) does not end the model's \(layout.count) parameters")
        }
        headRange = offset..<layout.count
    }

    public mutating func start(_ round: LocalRound) throws -> [Float] {
        let count = try round.call.parameter("personal_tensors")
        guard count.rounded() == count, count >= 1, Int(count) <= round.layout.tensors.count else {
            throw SiteAlgorithmError.invalidParameter(
                algorithm: Self.name, key: "personal_tensors",
                reason: "must be between 1 and the model's \(round.layout.tensors.count) tensors, got \(count)")
        }
        let first = round.layout.tensors[round.layout.tensors.count - Int(count)].offset
        let range = first..<round.layout.count
        guard head.isEmpty || head.count == range.count else {
            throw SiteAlgorithmError.invalidParameter(
                algorithm: Self.name, key: "personal_tensors",
                reason: "changed: the site's head has \(head.count) values, the study now asks for \(range.count)")
        }
        headRange = range
        return withHead(round.global)
    }

    public mutating func finish(_ round: LocalRound, trained: [Float], delta: inout [Float]) throws -> [VectorName: [Float]] {
        guard let headRange else { return [:] }
        head = Array(trained[headRange])
        for i in headRange { delta[i] = 0 }
        return [:]
    }

    public func evaluationParameters(global: [Float]) -> [Float] { withHead(global) }

    private func withHead(_ global: [Float]) -> [Float] {
        guard let headRange, head.count == headRange.count, headRange.upperBound <= global.count else { return global }
        var parameters = global
        parameters.replaceSubrange(headRange, with: head)
        return parameters
    }
}
