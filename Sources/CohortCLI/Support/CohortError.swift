/// A failure the user can fix, with a message that names what went wrong and what to do.
struct CohortError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
