import Learning

/// Which sites attack, and how.
public struct AttackPlan: Hashable, Sendable {
    public var attack: Attack
    public var malicious: Set<SiteID>

    public init(attack: Attack, malicious: Set<SiteID>) {
        self.attack = attack
        self.malicious = malicious
    }

    /// Draws `count` malicious sites from `sites` with the study's seed.
    public init(attack: Attack, count: Int, among sites: [SiteID], seed: UInt64) {
        var generator = SeededGenerator(seed: seed, stream: 0xA77AC4)
        let sorted = sites.sorted()
        let chosen = generator.permutation(sorted.count).prefix(max(0, min(count, sorted.count))).map { sorted[$0] }
        self.init(attack: attack, malicious: Set(chosen))
    }
}
