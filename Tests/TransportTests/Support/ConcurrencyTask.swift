/// `Learning` also declares a `Task` (binary or multiclass); in these tests `Task` is
/// Swift's concurrency task.
typealias Task = _Concurrency.Task
