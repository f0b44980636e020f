/// The largest values a study may ask for. They sit far above any real study and far below
/// what the wire's 32-bit fields and a site's memory can take, so a typo such as
/// `rounds: 4294967296` is refused at start instead of trapping a process later.
public enum StudyLimits {
    public static let rounds = 1_000_000
    public static let localSteps = 10_000_000
    public static let batchSize = 1_000_000
    public static let sites = 100_000
    /// Parameters of one model: 2^31 float32 values (8 GiB) is past any study Cohort runs.
    public static let parameters = 1 << 31
    /// A round's deadline: a year, far inside what a `Duration` holds.
    public static let roundDeadlineSeconds: Double = 31_536_000
}
