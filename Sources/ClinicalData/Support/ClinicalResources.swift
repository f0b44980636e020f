import Foundation

/// Locates the study, mapping and code-map files shipped in the module's resource bundle.
///
/// `Bundle.module` lays `.copy("Resources")` out differently on Linux (`<bundle>/Resources`)
/// and Apple platforms (`<bundle>/Contents/Resources/Resources`), so every reading is tried.
public enum ClinicalResources {
    /// `Resources/<name>` in the bundle, or nil when it is not there.
    public static func url(for name: String) -> URL? {
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
        return nil
    }

    /// The names (without extension) of the `.yaml` files in `Resources/<folder>`.
    public static func names(in folder: String) -> [String] {
        guard let url = url(for: folder),
            let files = try? FileManager.default.contentsOfDirectory(atPath: url.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }
}
