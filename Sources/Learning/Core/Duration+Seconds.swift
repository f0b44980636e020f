extension Duration {
    /// The duration in seconds, as a Double: how every timing in Cohort is reported.
    public var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
