@testable import Federation

/// The algorithms' vector names the wire tests send, spelled once.
extension VectorName {
    static let serverControl = Scaffold.serverControlVector
    static let controlDelta = Scaffold.controlDelta.name
    static let mask = Lockdown.mask.name
}
