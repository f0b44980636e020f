import Foundation
import Testing

@testable import ClinicalData

struct SiteSplitterTests {
    @Test func fileNamesLoseTheirSharedPrefixAndSuffix() {
        let names = SiteSplitter.shortFileNames(["/d/processed.cleveland.data", "/d/processed.va.data", "/d/processed.hungarian.data"])
        #expect(names["/d/processed.cleveland.data"] == "cleveland")
        #expect(names["/d/processed.va.data"] == "va")
        #expect(SiteSplitter.slug("Winthrop Town") == "winthrop-town")
        #expect(SiteSplitter.slug("La Cañada Flintridge") == "la-ca-ada-flintridge")
    }

    @Test(.enabled(if: TestData.hasSharedFHIR, "../shared/data/synthea-fhir-r4 is not next to the repository"))
    func syntheaCitiesBecomeFourBalancedSites() throws {
        let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.fhir(TestData.sharedFHIR))
        let sites = try SiteSplitter(grouping: .city, siteCount: 4).split(cohort)
        #expect(sites.count == 4)
        #expect(sites.map(\.cohort.rows.count).reduce(0, +) == cohort.rows.count)
        #expect(sites.map { $0.cohort.report.patients.read }.reduce(0, +) == 100)
        let sizes = sites.map(\.cohort.rows.count)
        #expect(sizes.max()! - sizes.min()! <= 2)
        // A city is never divided between sites.
        var owner = [String: String]()
        for site in sites {
            for row in site.cohort.rows {
                let city = row.place.city ?? "unknown"
                #expect(owner[city, default: site.name] == site.name)
                owner[city] = site.name
            }
        }
        // Deterministic.
        let again = try SiteSplitter(grouping: .city, siteCount: 4).split(cohort)
        #expect(again.map(\.name) == sites.map(\.name) && again.map(\.places) == sites.map(\.places))
        #expect(throws: ClinicalDataError.self) { try SiteSplitter(grouping: .county, siteCount: 4).split(cohort) }
        #expect(throws: ClinicalDataError.self) { try SiteSplitter(grouping: .city, siteCount: 1000).split(cohort) }
    }

    @Test(.enabled(if: TestData.hasSharedSyntheaCSV, "../shared/data/synthea-csv is not next to the repository"))
    func syntheaCSVCountiesBecomeSites() throws {
        let cohort = try Harmonizer(study: try TestData.cardiovascular()).run(.syntheaCSV(TestData.sharedSyntheaCSV))
        let sites = try SiteSplitter(grouping: .county, siteCount: 3).split(cohort)
        #expect(sites.count == 3)
        #expect(sites.allSatisfy { !$0.places.isEmpty && !$0.cohort.rows.isEmpty })
        #expect(sites.map(\.cohort.rows.count).reduce(0, +) == cohort.rows.count)
    }
}
