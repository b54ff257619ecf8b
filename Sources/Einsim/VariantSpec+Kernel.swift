import EinsimCore
import Mapper
import Workloads

extension VariantSpec {
    /// The kernel preset this variant runs on: its own `kernel=` if given, else `fallback`.
    public func kernelPreset(default fallback: KernelPreset) throws -> KernelPreset {
        guard let kernel else { return fallback }
        guard let preset = KernelPreset(rawValue: kernel) else {
            throw SimpleInputError("variant '\(text)': unknown kernel '\(kernel)'",
                                   suggestion: Suggestions.didYouMean(kernel, in: KernelPreset.allCases.map(\.rawValue))
                                       ?? "kernels: " + KernelPreset.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return preset
    }
}
