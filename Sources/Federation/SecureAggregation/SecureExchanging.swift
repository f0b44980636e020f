/// A transport that can carry secure-aggregation stage messages: a capability of its own,
/// apart from `Transport`, because only some transports have it and the round it belongs to
/// travels with each message (the transport keeps no notion of a current round).
public protocol SecureExchanging: Sendable {
    /// Delivers an opaque stage message of `round` to the site's `SecureEndpoint` and returns its answer.
    func exchange(_ message: [UInt8], at site: SiteID, round: Int) async throws -> [UInt8]
}
