import Federation

extension Cohort_Deployment_V1_TrailHead {
    init(_ head: TrailHead) {
        self.init()
        sequence = UInt64(head.sequence)
        entryHash = head.entryHash
    }

    /// The head another party sent, checked before anyone records it: a position that fits an
    /// `Int` and a hash of 64 lowercase hex digits, or an error naming `field`.
    func domain(field: String) throws -> TrailHead {
        let position = try WireInteger.int(sequence, field: "\(field).sequence", in: 1...Int.max)
        guard let head = TrailHead(sequence: position, entryHash: entryHash) else {
            throw MalformedTrailHead(field: "\(field).entry_hash")
        }
        return head
    }
}

/// A trail head whose hash is not 64 lowercase hex digits.
struct MalformedTrailHead: Error, CustomStringConvertible {
    let field: String
    var description: String { "\(field) is not 64 lowercase hex digits" }
}
