/// How each hospital's rows are divided into train and test.
public enum HeartDiseaseSplit: Hashable, Sendable {
    /// FLamby's own split (sklearn, random_state 43), shipped as indices in
    /// `Resources/uci-heart-disease/flamby-split.json` by `scripts/make_heart_split.py`, so
    /// results compare one-to-one with FLamby's published benchmark.
    case flamby
    /// A fresh 66/34 split drawn from this seed, stratified by label where FLamby stratifies
    /// (both classes with more than 2 rows); for checking that a result is not an artefact of
    /// one particular split.
    case seeded(UInt64)
}
