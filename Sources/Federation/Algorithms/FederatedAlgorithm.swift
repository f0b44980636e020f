/// An algorithm that has a site part: its coordinator part (a `Strategy`) declares it here,
/// so the one list in `AlgorithmRegistry` is all a site needs to run it and all the study
/// definition needs to name it.
///
/// ```swift
/// public struct FedPer: FederatedAlgorithm {
///     public static let algorithmName = "fedper"
///     public static let siteAlgorithm: any SiteAlgorithm.Type = FedPerSite.self
///     public static func make(parameters: [String: Double], rounds: Int, seed: UInt64) throws -> any Strategy { ... }
///     // Strategy: instructions(round:), sentVectors, step(...)
/// }
/// ```
/// then one line in `AlgorithmRegistry.all`; a study names it with `strategy: fedper`.
public protocol FederatedAlgorithm: Strategy {
    /// The strategy name in studies and instructions (`fedper`).
    static var algorithmName: String { get }
    /// The site's part.
    static var siteAlgorithm: any SiteAlgorithm.Type { get }
    /// The coordinator's part from the study's settings (`parameters` holds only keys the
    /// study gave; the rest take the algorithm's defaults).
    static func make(parameters: [String: Double], rounds: Int, seed: UInt64) throws -> any Strategy
    /// Settings a study may give, with their defaults.
    static var defaultParameters: [String: Double] { get }
}

extension FederatedAlgorithm {
    public static var defaultParameters: [String: Double] { [:] }
}

/// Every algorithm with a site part. A new algorithm is one folder under `Algorithms/` and
/// one line here.
public enum AlgorithmRegistry {
    public static let all: [any FederatedAlgorithm.Type] = [
        FedProx.self,
        Scaffold.self,
        Lockdown.self,
        FedPer.self
    ]

    /// The registered algorithm called `name`.
    public static func algorithm(named name: String) -> (any FederatedAlgorithm.Type)? {
        all.first { $0.algorithmName == name.lowercased() }
    }

    /// A fresh site part for the instructions' algorithm.
    public static func siteAlgorithm(named name: String) throws(SiteAlgorithmError) -> any SiteAlgorithm {
        guard let algorithm = algorithm(named: name) else { throw .unknownAlgorithm(name) }
        return algorithm.siteAlgorithm.init()
    }
}
