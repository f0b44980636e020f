import ClinicalData
import Compliance
import Foundation
import FuzzSupport
import Privacy
import Studies
import Transport

/// Every YAML (and JSON) file a person or a peer hands the platform, each input read by all
/// of their readers: study schemas, CSV mappings, value sets and code maps (ClinicalData);
/// site policies and training plans (Compliance); privacy policies (Privacy); study
/// specifications (Studies); coordinator and site configs (Transport).
enum YAMLTarget {
    static let folder = Scratch.folder("yaml")

    static func run(_ input: FuzzInput) {
        let text = String(decoding: input.data, as: UTF8.self)
        let file = Scratch.write(input.data, "config.yaml", in: folder)
        // Each reader's refusal is an answer; only a trap or a sanitizer report is a finding.
        do { _ = try StudySchema.parse(input.data, file: "study.yaml") } catch {}
        do { _ = try CSVMapping.parse(text, file: "mapping.yaml") } catch {}
        do { _ = try ValueSet.load(contentsOf: file) } catch {}
        do { _ = try CodeMap.load(contentsOf: file) } catch {}
        do { _ = try SitePolicy(yaml: text, source: "policy.yaml") } catch {}
        do { _ = try TrainingPlan(json: input.data, source: "plan.json") } catch {}
        do { _ = try PrivacyPolicy(contentsOf: file) } catch {}
        do { _ = try StudySpecification(yaml: text, file: file.path) } catch {}
        do { _ = try CoordinatorConfig.load(file) } catch {}
        do { _ = try SiteConfig.load(file) } catch {}
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    YAMLTarget.run(FuzzInput(start, count))
    return 0
}
