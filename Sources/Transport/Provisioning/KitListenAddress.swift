/// Where a new coordinator kit listens, chosen from the host the sites dial. A loopback host
/// means a consortium on one machine (a trial, a test): listening on every interface there
/// would open the coordinator to the network for nothing, so the kit listens on that loopback
/// address. Any other host keeps every interface, because the name sites dial may resolve to
/// an address this machine only has behind NAT or a load balancer; the config then says so
/// and how to narrow it.
struct KitListenAddress {
    /// The address to bind: a loopback literal, or `0.0.0.0` for every interface.
    let host: String

    init(coordinatorHost: String) {
        if coordinatorHost.lowercased() == "localhost" {
            host = "127.0.0.1"
        } else if Self.isLoopbackLiteral(coordinatorHost) {
            host = coordinatorHost
        } else {
            host = "0.0.0.0"
        }
    }

    var everyInterface: Bool { host == "0.0.0.0" }

    /// `host:port` as configs write it (IPv6 in brackets).
    func address(port: Int) -> String { Provisioner.address(host: host, port: port) }

    /// 127.0.0.0/8 or ::1.
    static func isLoopbackLiteral(_ text: String) -> Bool {
        guard let address = IPAddressBytes(text) else { return false }
        if address.bytes.count == 4 { return address.bytes[0] == 127 }
        return address.bytes == Array(repeating: 0, count: 15) + [1]
    }
}
