/// A provisioning step that cannot proceed, with what and where in one line.
public struct ProvisioningError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
