/// The structure of an ICD-10-CM code that value sets and related-code checks rely on.
///
/// ICD-10-CM (the US clinical modification of ICD-10, maintained by CDC NCHS; tabular list,
/// FY2024) is a hierarchy written into the code itself: a 3-character category (E11, type 2
/// diabetes mellitus), then subcategories and codes that extend it (E11.6, E11.65, type 2
/// diabetes with hyperglycemia). A family is therefore a prefix, compared without the dot and
/// case-insensitively. Categories fall into 22 chapters by range (I00-I99: diseases of the
/// circulatory system).
enum ICD10CMCode {
    /// Upper-case, no dot, no spaces: "e11.65" -> "E1165".
    static func normalized(_ code: String) -> String {
        String(code.uppercased().filter { $0 != "." && $0 != " " })
    }

    /// Whether `code` is `family` or below it (E11.65 is in E11 and in E11.6; I11.9 in I11).
    static func isIn(_ code: String, family: String) -> Bool {
        normalized(code).hasPrefix(normalized(family))
    }

    /// The 3-character category ("I48" for I48.92).
    static func category(_ code: String) -> String { String(normalized(code).prefix(3)) }

    /// ICD-10-CM's chapters by their category ranges (tabular list, FY2024: 22 chapters).
    static let chapters: [(number: String, first: String, last: String, title: String)] = [
        ("I", "A00", "B99", "Certain infectious and parasitic diseases"),
        ("II", "C00", "D49", "Neoplasms"),
        ("III", "D50", "D89", "Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism"),
        ("IV", "E00", "E89", "Endocrine, nutritional and metabolic diseases"),
        ("V", "F01", "F99", "Mental, behavioral and neurodevelopmental disorders"),
        ("VI", "G00", "G99", "Diseases of the nervous system"),
        ("VII", "H00", "H59", "Diseases of the eye and adnexa"),
        ("VIII", "H60", "H95", "Diseases of the ear and mastoid process"),
        ("IX", "I00", "I99", "Diseases of the circulatory system"),
        ("X", "J00", "J99", "Diseases of the respiratory system"),
        ("XI", "K00", "K95", "Diseases of the digestive system"),
        ("XII", "L00", "L99", "Diseases of the skin and subcutaneous tissue"),
        ("XIII", "M00", "M99", "Diseases of the musculoskeletal system and connective tissue"),
        ("XIV", "N00", "N99", "Diseases of the genitourinary system"),
        ("XV", "O00", "O9A", "Pregnancy, childbirth and the puerperium"),
        ("XVI", "P00", "P96", "Certain conditions originating in the perinatal period"),
        ("XVII", "Q00", "Q99", "Congenital malformations, deformations and chromosomal abnormalities"),
        ("XVIII", "R00", "R99", "Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified"),
        ("XIX", "S00", "T88", "Injury, poisoning and certain other consequences of external causes"),
        ("XX", "V00", "Y99", "External causes of morbidity"),
        ("XXI", "Z00", "Z99", "Factors influencing health status and contact with health services"),
        ("XXII", "U00", "U85", "Codes for special purposes")
    ]

    /// The chapter holding `code`'s category ("IX" for I48.92), nil for a code outside them.
    static func chapter(_ code: String) -> (number: String, first: String, last: String, title: String)? {
        let category = category(code)
        // Category codes compare as text: digits sort before letters, as "O99" < "O9A".
        return chapters.first { category >= $0.first && category <= $0.last }
    }
}
