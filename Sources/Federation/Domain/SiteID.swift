/// A participant's identity. In deployment it comes from the site's certificate, never from
/// a message field; in simulation it is the dataset's site name.
public struct SiteID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { name = value }

    public var description: String { name }
    public static func < (lhs: SiteID, rhs: SiteID) -> Bool { lhs.name < rhs.name }

    public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
