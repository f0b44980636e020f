import Foundation

/// Locates the data shipped inside the `Datasets` resource bundle.
///
/// Kept in one place because `Bundle.module` lays resources out differently on Linux and
/// Apple platforms, and because a missing bundle (a `cohort` binary copied away from its
/// `Cohort_Datasets.resources` folder) deserves a message that says what happened.
enum BundledResources {
    /// `Resources/<name>` inside the module's bundle.
    static func url(for name: String) throws -> URL {
        // With `.copy("Resources")` the folder lands at <bundle>/Resources on Linux (where
        // Foundation already reports that folder as `resourceURL`) and at
        // <bundle>/Contents/Resources/Resources on macOS; try each reading.
        let bundle = Bundle.module
        let roots = [
            bundle.resourceURL?.appendingPathComponent("Resources", isDirectory: true),
            bundle.bundleURL.appendingPathComponent("Resources", isDirectory: true),
            bundle.resourceURL
        ].compactMap { $0 }
        for root in roots {
            let url = root.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DatasetError.fileNotFound(
            path: roots[0].appendingPathComponent(name).path,
            remedy: "the Datasets resource bundle is incomplete; rebuild Cohort, and keep "
                + "Cohort_Datasets.resources next to the cohort binary")
    }
}
