/// How a fan-out ended: which participants were still working at the deadline.
struct GatherOutcome {
    var stragglers: [Int]
}

enum GatherEvent<Answer: Sendable>: Sendable {
    case answer(Int, Result<Answer, any Error>)
    case deadline
}

/// Sends work to every participant at once and hands each answer, as it arrives, to
/// `accept` (which validates it and may drop it); accepted answers reach `fold` strictly in
/// participant order. An answer that arrives early waits in a small reorder buffer until
/// the ones before it are folded or have failed. Participants still working at the
/// deadline are abandoned (their tasks cancelled) and reported as stragglers.
func gather<Answer: Sendable, Folded>(
    participants: [SiteID],
    deadlineSeconds: Double,
    work: @escaping @Sendable (Int) async throws -> Answer,
    accept: (Int, Result<Answer, any Error>) -> Folded?,
    fold: (Folded) -> Void,
    isolation: isolated (any Actor)? = #isolation
) async -> GatherOutcome {
    let (events, continuation) = AsyncStream.makeStream(of: GatherEvent<Answer>.self)
    var tasks: [Task<Void, Never>] = []
    for index in participants.indices {
        tasks.append(
            Task {
                let result: Result<Answer, any Error>
                do { result = .success(try await work(index)) } catch { result = .failure(error) }
                continuation.yield(.answer(index, result))
            })
    }
    let timer = Task {
        try? await Task.sleep(for: .seconds(deadlineSeconds))
        if !Task.isCancelled { continuation.yield(.deadline) }
    }
    defer {
        timer.cancel()
        for task in tasks { task.cancel() }
        continuation.finish()
    }

    var done = [Bool](repeating: false, count: participants.count)
    var waiting: [Int: Folded] = [:]
    var next = 0
    var remaining = participants.count
    func flush() {
        while next < done.count && done[next] {
            if let value = waiting.removeValue(forKey: next) { fold(value) }
            next += 1
        }
    }
    if remaining == 0 { return GatherOutcome(stragglers: []) }
    for await event in events {
        switch event {
        case .answer(let index, let result):
            if let value = accept(index, result) { waiting[index] = value }
            done[index] = true
            remaining -= 1
            flush()
            if remaining == 0 { return GatherOutcome(stragglers: []) }
        case .deadline:
            let stragglers = done.indices.filter { !done[$0] }
            for index in stragglers { done[index] = true }
            flush()
            return GatherOutcome(stragglers: stragglers)
        }
    }
    return GatherOutcome(stragglers: done.indices.filter { !done[$0] })
}
