/// Whom each client shares keys and masks with.
public enum GraphShape: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Every client with every other (SecAgg, Bonawitz et al. 2017): O(n) keys per client.
    case complete
    /// A Harary graph H(k, n) (Harary 1962) on randomly permuted clients (SecAgg+, Bell et al.
    /// 2020): each client is linked to the k/2 clients on either side of it in a random ring,
    /// plus, for odd k, the one opposite it. O(k) keys per client, k = O(log n).
    case harary(degree: Int)

    public var description: String {
        switch self {
        case .complete: "complete graph"
        case .harary(let degree): "\(degree)-regular Harary graph"
        }
    }
}
