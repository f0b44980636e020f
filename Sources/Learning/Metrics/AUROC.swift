/// Area under the ROC curve, computed exactly as the Mann-Whitney U statistic with midranks
/// for tied scores (so a tie between a positive and a negative counts one half).
///
/// Returns nil when either class is absent: the curve is undefined there, and reporting 0.5
/// or 1.0 would mislead (FLamby's Switzerland test split is almost all positive).
public func areaUnderROC(scores: [Float], labels: [Bool]) -> Double? {
    precondition(scores.count == labels.count, "one score per label")
    let positives = labels.filter { $0 }.count
    let negatives = labels.count - positives
    guard positives > 0, negatives > 0 else { return nil }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSumOfPositives = 0.0
    var start = 0
    while start < order.count {
        var end = start + 1
        while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
        // Ranks start..<end (1-based: start+1 ... end) share their average.
        let midrank = Double(start + 1 + end) / 2
        for k in start..<end where labels[order[k]] { rankSumOfPositives += midrank }
        start = end
    }
    let u = rankSumOfPositives - Double(positives) * Double(positives + 1) / 2
    return u / (Double(positives) * Double(negatives))
}
