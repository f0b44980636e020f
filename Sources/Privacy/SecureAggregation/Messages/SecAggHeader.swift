/// What every stage message starts with: the round and stage it belongs to, and the client it
/// is from or for (its 1-based participant index). Receivers compare all three with what they
/// expect, which rejects messages replayed from another round, stage or client.
public struct SecAggHeader: Hashable, Sendable, Codable {
    public var round: SecAggRound
    public var stage: SecAggStage
    /// The sending client for client messages, the addressee for coordinator messages.
    public var participant: UInt32

    public init(round: SecAggRound, stage: SecAggStage, participant: UInt32) {
        self.round = round
        self.stage = stage
        self.participant = participant
    }

    /// Why this header is not the one expected, or nil when it is.
    func mismatch(round expectedRound: SecAggRound, stage expectedStage: SecAggStage, participant expected: UInt32) -> String? {
        if round != expectedRound { return "message is for \(round), expected \(expectedRound) (stale or replayed)" }
        if stage != expectedStage { return "message is a \(stage) message, expected \(expectedStage) (replayed or out of order)" }
        if participant != expected { return "message names participant \(participant), expected \(expected)" }
        return nil
    }
}
