import ArgumentParser
import Einsim

/// `einsim list`: shipped profiles, variants, models, presets — one section per function.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Shipped profiles, variants, models and kernel presets.")

    func run() throws {
        emit(try ListCommand.sections().joined(separator: "\n\n"))
    }

    /// Every section of the listing, in order. Other sections (variants, models, kernel presets)
    /// add a function here.
    static func sections() throws -> [String] {
        [try hardwareProfilesSection(), kernelPresetsSection(), variantsSection(), algebraVariantsSection(), modelsSection(), datasetsSection()]
    }

    /// "Kernel presets:" and one line per GPU mapping preset.
    static func kernelPresetsSection() -> String {
        let width = KernelPreset.allCases.map(\.rawValue.count).max() ?? 0
        let lines = KernelPreset.allCases.map { preset in
            "  \(preset.rawValue)\(String(repeating: " ", count: width - preset.rawValue.count))  \(preset.summary)"
        }
        return (["Mapping presets (--mapping, alias --kernel):", "  GPU targets (gpu):"] + lines.map { "  " + $0 }
                + ["  spatial arrays, NPUs, PIM systems (asic, npu, pim, system):",
                   "    auto   the spatial mapper's best tiling: one fusion group per pass (adjacent passes fuse when their intermediates fit on chip), each Einsum on its fastest unit"])
            .joined(separator: "\n")

    }

    /// "Variants:" and one line per variant spec (description and source), then the predictors.
    static func variantsSection() -> String {
        let width = VariantSpec.catalog.map(\.name.count).max() ?? 0
        let lines = VariantSpec.catalog.map { entry in
            "  \(entry.name)\(String(repeating: " ", count: width - entry.name.count))  \(entry.summary)"
        }
        let pwidth = PredictorCatalog.entries.map(\.name.count).max() ?? 0
        let predictors = PredictorCatalog.entries.map { p in
            "  \(p.name)\(String(repeating: " ", count: pwidth - p.name.count))  \(p.summary) [\(p.source)]"
        }
        return (["Variants:"] + lines + ["", "Predictors (predictor=NAME; cascades in Examples/cascades/predictors):"] + predictors)
            .joined(separator: "\n")
    }

    /// "Hardware profiles:" and one line per shipped profile: its name, the engines that
    /// simulate attention on it (found by running each on a small call), and its summary.
    static func hardwareProfilesSection() throws -> String {
        let names = ProfileLibrary.shippedProfileNames()
        let profiles = try names.map { try ProfileResolver.load($0) }
        let engines = EngineSupport.probe(names)
        let width = profiles.map(\.name.count).max() ?? 0
        let lines = zip(profiles, engines).map { profile, engines in
            let padding = String(repeating: " ", count: width - profile.name.count)
            let mapper = profile.kind == .gpu ? "GPU kernels" : "spatial mapper"
            let serving = ServingOrganization.allCases.filter { ServingSimulation.runs($0, on: profile) }.map(\.rawValue)
            let ran = engines.supported.map(\.rawValue)
            return "  \(profile.name)\(padding)  [\(profile.kind.rawValue); engines: \(ran.isEmpty ? "none" : ran.joined(separator: ", ")) (\(mapper))"
                + (serving.isEmpty ? "" : "; serving: " + serving.joined(separator: ", ")) + "]  \(profile.summary)"
        }
        return (["Hardware profiles ('engines' lists the --engine values that simulate an attention call on it, checked by running each; 'serving' lists the --scope serving organizations it runs):"] + lines).joined(separator: "\n")
    }

    /// "Models:" and one line per model preset: its name, shape and source.
    static func modelsSection() -> String {
        let width = ModelPreset.all.map(\.name.count).max() ?? 0
        let lines = ModelPreset.all.map { m in
            let padding = String(repeating: " ", count: width - m.name.count)
            let heads = m.kvHeads == m.heads ? "\(m.heads)" : "\(m.heads)/\(m.kvHeads)"
            return "  \(m.name)\(padding)  \(m.layers) layers, d \(m.dModel), heads \(heads) x \(m.headDim), ffn \(m.ffn) (\(m.ffnKind.rawValue))\(m.causal ? ", causal" : "")  — \(m.source)"
        }
        return (["Models:"] + lines).joined(separator: "\n")
    }

    /// "Serving datasets:" (`--dataset` of `--scope serving`): the named ones and the IN:OUT form.
    static func datasetsSection() -> String {
        let width = max(6, ServingDataset.all.map(\.name.count).max() ?? 0)
        let lines = ServingDataset.all.map { d in
            "  \(d.name)\(String(repeating: " ", count: width - d.name.count))  mean \(d.meanInputTokens) prompt + \(d.meanOutputTokens) generated tokens  — \(d.source)"
        } + ["  IN:OUT\(String(repeating: " ", count: width - 6))  mean IN prompt + OUT generated tokens, e.g. 2048:128 (together at most \(ServingDataset.maximumRequestTokens))"]
        return (["Serving datasets (--dataset, <datasets>):"] + lines).joined(separator: "\n")
    }

    /// "Variants (algebra and precision):" and one line per spec form.
    static func algebraVariantsSection() -> String {
        let width = VariantSpec.algebraCatalog.map(\.name.count).max() ?? 0
        let lines = VariantSpec.algebraCatalog.map { v in
            "  \(v.name)\(String(repeating: " ", count: width - v.name.count))  \(v.summary)"
        }
        return (["Variants (algebra and precision):"] + lines).joined(separator: "\n")
    }
}
