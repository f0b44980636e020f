/// The stages of a SecAgg round (Bonawitz et al. 2017, rounds 0-2 and 4; the consistency check
/// of the malicious model is not part of this semi-honest protocol), in order.
public enum SecAggStage: UInt8, Hashable, Sendable, Codable, CustomStringConvertible, CaseIterable {
    /// The coordinator announces participants, graph and quantization.
    case setup = 0
    /// Clients send their two public keys.
    case advertiseKeys = 1
    /// Clients send their shares, encrypted to each neighbour.
    case shareKeys = 2
    /// Clients send their masked, quantized updates.
    case maskedInput = 3
    /// Clients send the shares that let the coordinator remove the masks.
    case unmask = 4

    public var description: String {
        switch self {
        case .setup: "setup"
        case .advertiseKeys: "advertise keys"
        case .shareKeys: "share keys"
        case .maskedInput: "masked input"
        case .unmask: "unmask"
        }
    }
}
