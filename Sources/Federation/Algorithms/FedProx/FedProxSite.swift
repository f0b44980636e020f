import Learning

/// FedProx at a site: every local gradient gets `mu * (w - w_global)`, the gradient of the
/// proximal term.
public struct FedProxSite: SiteAlgorithm {
    public static let name = FedProx.algorithmName

    public init() {}

    public func adjustment(_ round: LocalRound, start: [Float]) throws -> GradientAdjustment? {
        let mu = Float(try round.call.parameter("mu"))
        guard mu != 0 else { return nil }
        let anchor = round.global
        return { parameters, gradients, count in
            anchor.withUnsafeBufferPointer { anchor in
                for i in 0..<count { gradients[i] += mu * (parameters[i] - anchor[i]) }
            }
        }
    }
}
