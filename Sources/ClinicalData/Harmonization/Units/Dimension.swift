/// The physical dimension of a unit as exponents of the base quantities Cohort converts
/// between: mass (g), length (m), time (s), amount of substance (mol) and temperature (K).
///
/// Two units convert by a factor exactly when their dimensions are equal; mass and substance
/// concentration differ by mass/amount, which a molar mass bridges.
public struct Dimension: Hashable, Sendable, CustomStringConvertible {
    public var mass: Int8 = 0
    public var length: Int8 = 0
    public var time: Int8 = 0
    public var amount: Int8 = 0
    public var temperature: Int8 = 0

    public init(mass: Int8 = 0, length: Int8 = 0, time: Int8 = 0, amount: Int8 = 0, temperature: Int8 = 0) {
        self.mass = mass
        self.length = length
        self.time = time
        self.amount = amount
        self.temperature = temperature
    }

    public static let none = Dimension()

    static func + (lhs: Dimension, rhs: Dimension) -> Dimension {
        Dimension(
            mass: lhs.mass + rhs.mass, length: lhs.length + rhs.length, time: lhs.time + rhs.time,
            amount: lhs.amount + rhs.amount, temperature: lhs.temperature + rhs.temperature)
    }

    static func * (lhs: Dimension, power: Int8) -> Dimension {
        Dimension(
            mass: lhs.mass * power, length: lhs.length * power, time: lhs.time * power,
            amount: lhs.amount * power, temperature: lhs.temperature * power)
    }

    /// A name for messages: "mass/volume", "amount/volume", "volume/time", ...
    public var description: String {
        switch self {
        case .none: return "dimensionless"
        case Dimension(mass: 1): return "mass"
        case Dimension(length: 1): return "length"
        case Dimension(length: 3): return "volume"
        case Dimension(time: 1): return "time"
        case Dimension(time: -1): return "rate (per time)"
        case Dimension(temperature: 1): return "temperature"
        case Dimension(mass: 1, length: -3): return "mass concentration"
        case Dimension(length: -3, amount: 1): return "substance concentration"
        case Dimension(length: 3, time: -1): return "volume/time"
        case Dimension(mass: 1, length: -2): return "mass/area"
        case Dimension(mass: 1, length: -1, time: -2): return "pressure"
        default:
            let parts: [(String, Int8)] = [("g", mass), ("m", length), ("s", time), ("mol", amount), ("K", temperature)]
            return parts.filter { $0.1 != 0 }.map { $0.1 == 1 ? $0.0 : "\($0.0)^\($0.1)" }.joined(separator: ".")
        }
    }
}
