/// Task ids: 128 random bits in hex. Unguessable, so a task id in an answer proves the
/// coordinator offered that task (to the certificate's site, which is checked too).
enum TaskIdentifier {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next(), generator.next()].map { (value: UInt64) in
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
