import Learning

/// Squared Euclidean distances between every pair of stored updates, from their Gram matrix
/// `G = X Xᵀ` accumulated block by block with BLAS (one pass over the store, O(n² d) flops
/// at matrix-multiply speed): `|x_i - x_j|² = G_ii + G_jj - 2 G_ij`. Block products are
/// summed in Double to limit cancellation between nearby updates.
func pairwiseSquaredDistances(in store: UpdateStore) throws -> [[Double]] {
    let n = store.count
    var gram = [Double](repeating: 0, count: n * n)
    var blockGram = [Float](repeating: 0, count: n * n)
    try store.forEachBlock(coordinates: max(1024, (8 << 20) / max(n * 4, 1))) { range, block in
        let span = range.count
        blockGram.withUnsafeMutableBufferPointer { c in
            BLAS.gemm(
                transposeA: false, transposeB: true, m: n, n: n, k: span,
                a: block.baseAddress!, lda: span, b: block.baseAddress!, ldb: span,
                c: c.baseAddress!, ldc: n)
        }
        for i in 0..<(n * n) { gram[i] += Double(blockGram[i]) }
    }
    return (0..<n).map { i in
        (0..<n).map { j in max(0, gram[i * n + i] + gram[j * n + j] - 2 * gram[i * n + j]) }
    }
}

/// Krum scores (Blanchard et al., NeurIPS 2017) of the updates in `candidates`: for each,
/// the sum of squared distances to its `candidates.count - f - 2` nearest other candidates.
func krumScores(distances: [[Double]], candidates: [Int], f: Int) -> [Double] {
    let neighbours = max(0, candidates.count - f - 2)
    return candidates.map { i in
        candidates.filter { $0 != i }.map { distances[i][$0] }.sorted().prefix(neighbours).reduce(0, +)
    }
}
