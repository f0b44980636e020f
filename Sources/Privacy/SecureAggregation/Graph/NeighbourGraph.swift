import Learning

/// The neighbour graph of a round, over participants 0..<count (participant index minus one).
///
/// Every client derives it from the setup (participant list, shape, seed), so the coordinator
/// cannot show different clients different graphs without the contradiction being visible in
/// the rosters it sends. The seed only needs to be independent of which clients are corrupt or
/// will drop (Bell et al. 2020 analyse a uniformly random labelling); it is not a secret.
struct NeighbourGraph: Sendable {
    let count: Int
    /// Sorted neighbour lists.
    private let adjacency: [[Int]]

    init(shape: GraphShape, count: Int, seed: UInt64) throws(SecAggError) {
        guard count >= 2 else { throw .configuration("secure aggregation needs at least 2 participants, got \(count)") }
        self.count = count
        switch shape {
        case .complete:
            adjacency = (0..<count).map { node in (0..<count).filter { $0 != node } }
        case .harary(let degree):
            guard degree >= 2 else { throw .configuration("a Harary graph needs degree >= 2, got \(degree)") }
            if degree >= count - 1 {
                adjacency = (0..<count).map { node in (0..<count).filter { $0 != node } }
                return
            }
            guard degree % 2 == 0 || count % 2 == 0 else {
                throw .configuration("a \(degree)-regular graph on \(count) clients does not exist (odd degree needs an even count); use degree \(degree + 1)")
            }
            // ring[p] is the participant at ring position p; position[i] is participant i's.
            var generator = SeededGenerator(seed: seed, stream: 0x5EC_A66)
            let ring = generator.permutation(count)
            var position = [Int](repeating: 0, count: count)
            for (p, node) in ring.enumerated() { position[node] = p }
            let half = degree / 2
            adjacency = (0..<count).map { node in
                let p = position[node]
                var neighbours: [Int] = []
                neighbours.reserveCapacity(degree)
                for offset in 1...half {
                    neighbours.append(ring[(p + offset) % count])
                    neighbours.append(ring[(p - offset + count) % count])
                }
                if degree % 2 == 1 { neighbours.append(ring[(p + count / 2) % count]) }
                return neighbours.sorted()
            }
        }
    }

    func neighbours(of node: Int) -> [Int] { adjacency[node] }

    var maximumDegree: Int { adjacency.map(\.count).max() ?? 0 }
    var minimumDegree: Int { adjacency.map(\.count).min() ?? 0 }
}
