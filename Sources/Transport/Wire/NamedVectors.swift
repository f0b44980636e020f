import Federation

/// The rules every announced list of vectors follows, whoever announced it: names well formed
/// and distinct, few enough for the vector lane to number them.
enum NamedVectors {
    static func check(_ names: [VectorName]) throws(AnswerRefusal) {
        guard names.count <= LaneFrame.largestVectorCount else {
            throw .invalid("oversized: \(names.count) vectors announced, at most \(LaneFrame.largestVectorCount)")
        }
        var seen = Set<VectorName>()
        for name in names {
            guard name.isWellFormed else { throw .invalid("a vector name must be 1-64 characters a-z, 0-9 or '_', got '\(name.rawValue.prefix(80))'") }
            guard seen.insert(name).inserted else { throw .invalid("vector '\(name)' is announced twice") }
        }
    }
}
