/// A vector an algorithm's sites send beside their change to the model, declared by the
/// algorithm so that every check is generic: an update must carry exactly the declared
/// vectors, each model-sized and within its value domain, and the coordinator folds each
/// the declared way. Anything undeclared is refused.
public struct VectorDeclaration: Hashable, Sendable, Codable {
    /// What values the vector may hold.
    public enum Values: String, Hashable, Sendable, Codable {
        /// Any finite float (a control variate).
        case finite
        /// 0 or 1 only (a subspace mask).
        case binary
    }

    /// How the coordinator combines the round's vectors of this name.
    public enum Folding: String, Hashable, Sendable, Codable {
        /// Every contributor counts equally (SCAFFOLD's mean control delta).
        case mean
        /// The plain sum (how many contributors' masks cover each parameter).
        case sum
    }

    public var name: VectorName
    public var values: Values
    public var folding: Folding
    /// What it is, in words, for messages ("control-variate delta").
    public var meaning: String

    public init(_ name: VectorName, values: Values, folding: Folding, meaning: String) {
        self.name = name
        self.values = values
        self.folding = folding
        self.meaning = meaning
    }
}
