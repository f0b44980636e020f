/// A code seen at a site that looks related to a study condition but is not in its definition:
/// the data check lists them, so a steward sees under-ascertainment before training (a site
/// coding atrial flutter I48.92, or type 2 diabetes as a local code, would otherwise just
/// have fewer cases).
///
/// "Looks related" is judged from what Cohort knows without a terminology server: the same
/// ICD-10-CM category or chapter as a code of the definition (directly, or through the study's
/// one-way code map), or a display text holding one of the value sets' keywords.
public struct RelatedCode: Codable, Sendable, Hashable {
    /// The study condition (feature or label name).
    public var condition: String
    /// "icd10cm:I48.92".
    public var code: String
    public var display: String?
    /// Why it looks related, e.g. "same ICD-10-CM category I48 as icd10cm:I48*".
    public var relation: String
    /// Records with the code (all of the site's, before any cohort criterion).
    public var records: Int

    /// How close the relation is: a category before a chapter before a word.
    enum Closeness: Int, Comparable {
        case category = 0, chapter, keyword
        static func < (lhs: Closeness, rhs: Closeness) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Every related code of `seen` (codes no study condition matched), per condition: the
    /// closest relations first, then the most frequent codes.
    static func find(
        in seen: [ClinicalCode: QualityTally.SeenCode], conditions: [(name: String, definition: ConditionDefinition)],
        map: CodeMap
    ) -> [RelatedCode] {
        var found = [(RelatedCode, Closeness)]()
        for (name, definition) in conditions {
            let patterns = definition.valueSets.flatMap(\.include) + definition.codes.map { ValueSet.Pattern.code($0) }
            let icd = patterns.filter { $0.code.system == .icd10cm }
            let keywords = definition.valueSets.flatMap(\.keywords)
            for (code, seenCode) in seen {
                guard let (relation, closeness) = Self.relation(of: code, display: seenCode.display, to: icd, keywords: keywords, map: map) else { continue }
                found.append(
                    (
                        RelatedCode(
                            condition: name, code: code.description, display: seenCode.display, relation: relation,
                            records: seenCode.records), closeness
                    ))
            }
        }
        return found.sorted { ($0.0.condition, $0.1, -$0.0.records, $0.0.code) < ($1.0.condition, $1.1, -$1.0.records, $1.0.code) }.map(\.0)
    }

    private static func relation(
        of code: ClinicalCode, display: String?, to icd: [ValueSet.Pattern], keywords: [String],
        map: CodeMap
    ) -> (String, Closeness)? {
        let targets = code.system == .icd10cm ? [code] : map.targets(of: code).filter { $0.system == .icd10cm }
        let via = { (target: ClinicalCode) in target == code ? "" : " (read as \(target) through the code map)" }
        for target in targets {
            if let pattern = icd.first(where: { ICD10CMCode.category($0.code.code) == ICD10CMCode.category(target.code) }) {
                return ("same ICD-10-CM category \(ICD10CMCode.category(target.code)) as \(pattern)" + via(target), .category)
            }
        }
        for target in targets {
            if let chapter = ICD10CMCode.chapter(target.code),
                let pattern = icd.first(where: { ICD10CMCode.chapter($0.code.code)?.number == chapter.number })
            {
                return ("same ICD-10-CM chapter \(chapter.number) (\(chapter.first)-\(chapter.last)) as \(pattern)" + via(target), .chapter)
            }
        }
        if let display = display?.lowercased(), let keyword = keywords.first(where: { display.contains($0) }) {
            return ("its display mentions '\(keyword)'", .keyword)
        }
        return nil
    }
}
