/// A loopback yardstick that could not measure: a socket, listener or transfer failed.
package struct LoopbackError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
