/// A site summary as one flat vector of its additive parts, for secure aggregation.
///
/// Secure aggregation protocols sum fixed-length vectors of numbers without revealing any
/// single site's vector; everything in a `SiteSummary` is a sum (coarsened histograms are
/// spread over the study's fixed bins for that reason), so the summary travels as `vector`, and
/// the coordinator rebuilds the federation's summary from the summed vector with
/// `SiteSummary(summing:)`. The layout is fixed by the study (its features, bins and
/// categories), so every site's vector lines up without negotiation.
extension SiteSummary {
    /// The additive parts, in a layout fixed by the study: rows and label positives, then per
    /// feature: rows, present, moment count, sum, sum of squares, histogram below, above and
    /// bin weights (if any), and category counts (if any).
    public var vector: [Double] {
        var values = [Double(rows), Double(labelPositive)]
        for feature in features {
            values += [Double(feature.rows), Double(feature.present), Double(feature.moments.count), feature.moments.sum, feature.moments.sumOfSquares]
            if let histogram = feature.histogram {
                values += [histogram.below, histogram.above] + histogram.weights
            }
            values += (feature.categoryCounts ?? []).map(Double.init)
        }
        return values
    }

    /// The summary whose additive parts are `vector` (e.g. the sum of every site's `vector`),
    /// laid out like `template` (any site's summary of the same study). `sites` names the contributors.
    public init(summing vector: [Double], like template: SiteSummary, sites: [String]) throws {
        guard vector.count == template.vector.count else {
            throw ClinicalDataError.invalidOption(
                "a summed summary vector of \(vector.count) values does not fit this study's layout of \(template.vector.count)")
        }
        var index = 0
        func next() -> Double {
            defer { index += 1 }
            return vector[index]
        }
        func count() -> Int { Int(next().rounded()) }
        self = template
        self.sites = sites
        rows = count()
        labelPositive = count()
        for position in features.indices {
            var feature = features[position]
            feature.rows = count()
            feature.present = count()
            feature.moments = MomentSums(shift: feature.moments.shift, count: count(), sum: next(), sumOfSquares: next())
            if var histogram = feature.histogram {
                histogram.below = next()
                histogram.above = next()
                histogram.weights = histogram.weights.indices.map { _ in next() }
                feature.histogram = histogram
            }
            if let categories = feature.categoryCounts { feature.categoryCounts = categories.indices.map { _ in count() } }
            features[position] = feature
        }
    }
}
