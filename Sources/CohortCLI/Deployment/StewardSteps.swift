import Foundation
import Transport

/// What each site's data steward does with a new kit, printed by `provision` after the kits:
/// a governed site refuses every round of a plan its steward has not approved, so a kit is
/// not ready to run until these steps are done. Commands are relative to the site's kit, as
/// its site.yaml is, so they paste as printed.
enum StewardSteps {
    /// The study's plan, made once at the coordinator and copied to every site.
    static func plan(coordinatorKit: URL) -> String {
        """
        The study's plan, at the coordinator (copy plan.json into each site's kit):
          cd \(shellWord(coordinatorKit.path)) && cohort study plan --config \(KitFile.coordinatorConfig) --out plan.json
        """
    }

    /// One site's steward's steps, in its kit.
    static func site(_ name: String, kit: URL) -> String {
        """
        Data steward of \(name) (the site refuses every round until you approve the study's plan):
          cd \(shellWord(kit.path))
          ${EDITOR:-vi} \(KitFile.sitePolicy)
          cohort site approve --plan plan.json --policy-dir \(KitFile.policyDirectory) --by NAME --key \(KitFile.stewardKey)
          # then move \(KitFile.stewardKey) off this machine; the agent needs only \(KitFile.publicKey(of: KitFile.stewardKey))
        """
    }

    /// `text` as one shell word: bare when it is plainly safe, else single-quoted.
    private static func shellWord(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+,:@%".unicodeScalars.contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
