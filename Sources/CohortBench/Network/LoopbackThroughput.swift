import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How fast plain TCP moves bytes over 127.0.0.1 on this machine right now: the yardstick the
/// deployment benchmark compares a round's cost against ("time to move the bytes").
package enum LoopbackThroughput {
    /// Bytes per second for `bytes` sent in 1 MiB writes from one thread to another.
    package static func measure(bytes: Int = 512 << 20) throws -> Double {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw LoopbackError("cannot create a socket") }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 1) == 0 else { throw LoopbackError("cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }

        let chunk = 1 << 20
        let receiver = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: chunk)
            var received = 0
            while received < bytes {
                let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, chunk) }
                if count <= 0 { break }
                received += count
            }
            close(connection)
        }
        let sender = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(sender) }
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sender, $0, length) } }
        guard connected == 0 else { throw LoopbackError("cannot connect to 127.0.0.1") }
        receiver.start()
        let payload = [UInt8](repeating: 7, count: chunk)
        let start = DispatchTime.now().uptimeNanoseconds
        var sent = 0
        while sent < bytes {
            let count = payload.withUnsafeBytes { write(sender, $0.baseAddress, min(chunk, bytes - sent)) }
            if count <= 0 { throw LoopbackError("the connection broke") }
            sent += count
        }
        shutdown(sender, Int32(SHUT_WR))
        // The receiver has everything once it closes its end.
        var byte: UInt8 = 0
        _ = read(sender, &byte, 1)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(bytes) / seconds
    }
}
