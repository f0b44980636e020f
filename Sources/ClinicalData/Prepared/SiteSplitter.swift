/// Cuts one population into sites by where patients live, to simulate a federation from a
/// single export (e.g. Synthea's patients split by city into 4 hospitals).
///
/// A place (city, county, 3-digit ZIP or source file) is never divided between sites, since
/// geography is what makes real sites differ. With a site count, places are dealt largest
/// first to the site with the fewest patients so far (ties: the lower site number), which is
/// deterministic and keeps sites near equal in size.
public enum SiteGrouping: String, Hashable, Sendable, CaseIterable {
    case city
    case county
    /// The first three digits of the ZIP code (a US sectional centre: a region).
    case zip3
    /// The file a patient was read from (e.g. the four UCI hospital files).
    case file

    func place(of row: PatientRow) -> String? {
        switch self {
        case .city: row.place.city
        case .county: row.place.county
        case .zip3: row.place.postalCode.map { String($0.prefix(3)) }
        case .file: row.file
        }
    }
}

public struct SiteSplitter: Sendable {
    public var grouping: SiteGrouping
    /// nil: one site per place.
    public var siteCount: Int?

    public init(grouping: SiteGrouping, siteCount: Int?) {
        self.grouping = grouping
        self.siteCount = siteCount
    }

    public struct Site: Sendable {
        public var name: String
        /// The places (cities, counties, ...) it holds.
        public var places: [String]
        /// Its share of the cohort: kept and excluded patients of those places, with the
        /// report recomputed for them.
        public var cohort: HarmonizedCohort
    }

    /// The sites, each with its patients in their original order. Throws when no patient has
    /// the attribute, or there are fewer places than sites.
    public func split(_ cohort: HarmonizedCohort) throws -> [Site] {
        func placeName(_ place: PatientPlace, _ file: String) -> String {
            grouping.place(of: PatientRow(values: [], label: 0, place: place, file: file))
                .map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        }
        var kept = [String: Int]()
        for row in cohort.rows { kept[placeName(row.place, row.file), default: 0] += 1 }
        if Array(kept.keys) == ["unknown"] {
            throw ClinicalDataError.invalidOption(
                "no patient has a \(grouping.rawValue) in this export; choose another --split-by (\(SiteGrouping.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        var allPlaces = Set(kept.keys)
        for patient in cohort.excluded { allPlaces.insert(placeName(patient.place, patient.file)) }
        let names = grouping == .file ? Self.shortFileNames(Array(allPlaces)) : Dictionary(uniqueKeysWithValues: allPlaces.map { ($0, $0) })
        // Largest first (by kept patients), then by name: a deterministic order.
        let places = allPlaces.sorted { (kept[$0] ?? 0, $1) > (kept[$1] ?? 0, $0) }

        var siteOfPlace = [String: Int]()
        var siteNames = [String]()
        var sitePlaces = [[String]]()
        if let siteCount {
            guard siteCount >= 1 else { throw ClinicalDataError.invalidOption("--sites must be at least 1") }
            guard kept.count >= siteCount else {
                throw ClinicalDataError.invalidOption(
                    "only \(kept.count) distinct \(grouping.rawValue) values among kept patients for \(siteCount) sites; ask for fewer sites")
            }
            var sizes = Array(repeating: 0, count: siteCount)
            sitePlaces = Array(repeating: [], count: siteCount)
            for place in places {
                let target = sizes.indices.min { (sizes[$0], $0) < (sizes[$1], $1) }!
                siteOfPlace[place] = target
                sitePlaces[target].append(place)
                sizes[target] += kept[place] ?? 0
            }
            siteNames = sitePlaces.enumerated().map { "site\($0 + 1)-" + Self.slug(names[$1[0]]!) }
        } else {
            let withPatients = places.filter { kept[$0] != nil }.sorted { Self.slug(names[$0]!) < Self.slug(names[$1]!) }
            for (index, place) in withPatients.enumerated() { siteOfPlace[place] = index }
            sitePlaces = withPatients.map { [$0] }
            siteNames = withPatients.map { Self.slug(names[$0]!) }
            // Places where every patient was excluded have no site of their own.
        }
        var rows = Array(repeating: [PatientRow](), count: siteNames.count)
        var excluded = Array(repeating: [ExcludedPatient](), count: siteNames.count)
        for row in cohort.rows { rows[siteOfPlace[placeName(row.place, row.file)]!].append(row) }
        for patient in cohort.excluded {
            if let site = siteOfPlace[placeName(patient.place, patient.file)] { excluded[site].append(patient) }
        }
        return siteNames.indices.map { index in
            Site(
                name: siteNames[index], places: sitePlaces[index],
                cohort: cohort.restricted(rows: rows[index], excluded: excluded[index]))
        }
    }

    /// File names without their shared directory, prefix and suffix:
    /// processed.cleveland.data, processed.va.data -> cleveland, va.
    static func shortFileNames(_ paths: [String]) -> [String: String] {
        let names = paths.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        guard names.count > 1 else {
            return Dictionary(
                uniqueKeysWithValues: zip(
                    paths,
                    names.map { name in
                        name.split(separator: ".").count > 1 ? String(name[..<name.lastIndex(of: ".")!]) : name
                    }))
        }
        var prefix = names[0]
        var suffix = names[0]
        for name in names.dropFirst() {
            while !name.hasPrefix(prefix) { prefix.removeLast() }
            while !name.hasSuffix(suffix) { suffix.removeFirst() }
        }
        return Dictionary(
            uniqueKeysWithValues: zip(
                paths,
                names.map { name in
                    let trimmed = String(name.dropFirst(prefix.count).dropLast(min(suffix.count, max(0, name.count - prefix.count - 1))))
                    return trimmed.isEmpty ? name : trimmed
                }))
    }

    /// A file-system-safe site name: lowercase letters, digits and dashes.
    static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if slug.last != "-" {
                slug.append("-")
            }
        }
        let trimmed = slug.trimmingCharacters(in: "-")
        return trimmed.isEmpty ? "site" : trimmed
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return String(slice)
    }
}
