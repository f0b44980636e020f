#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// Elementary functions through the platform C library, in one place, so the rest of the
// module stays free of platform conditionals.
@inlinable func _log(_ x: Double) -> Double { log(x) }
@inlinable func _cos(_ x: Double) -> Double { cos(x) }
@inlinable func _exp(_ x: Double) -> Double { exp(x) }
@inlinable func _expf(_ x: Float) -> Float { expf(x) }
@inlinable func _log1pf(_ x: Float) -> Float { log1pf(x) }
@inlinable func _log1p(_ x: Double) -> Double { log1p(x) }
@inlinable func _tanhf(_ x: Float) -> Float { tanhf(x) }
@inlinable func _logf(_ x: Float) -> Float { logf(x) }
@inlinable func _powf(_ x: Float, _ y: Float) -> Float { powf(x, y) }

func sysconfProcessorCount() -> Int {
    #if canImport(Darwin) || canImport(Glibc) || canImport(Musl)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
        return 1
    #endif
}
