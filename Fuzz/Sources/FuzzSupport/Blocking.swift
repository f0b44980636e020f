import Dispatch

/// Runs async parser code to its end from libFuzzer's synchronous callback.
public func blocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}
