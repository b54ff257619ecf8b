import EinsimCore
import Workloads
import EinsumIR

/// A shipped cascade costed as one fused kernel: its operation counts from the IR at the bound
/// shape, its DRAM traffic the bytes of its inputs and outputs at their declared precisions
/// (intermediates, running states included, stay on chip — the form FlashAttention-style and
/// Lightning/FlashMLA kernels run, whatever the cascade's pass count on paper).
public enum FusedCascade {
    /// Loads `file` from the shipped cascades directory.
    public static func load(_ file: String) throws -> Cascade {
        guard let dir = AlgorithmResolver.cascadesDirectory else {
            throw AlgorithmResolver.cascadesNotFound
        }
        return try CascadeParser.parse(contentsOf: dir + "/" + file)
    }

    /// The work of `file` bound to `sizes` (shape names; unknown or derived ranks are skipped).
    /// `maskDensity` replaces the density of every block mask; `outputPrecision` the precision of
    /// every output tensor except fp32 ones.
    public static func work(_ file: String, name: String, sizes: [String: Int], maskDensity: Double? = nil,
                     outputPrecision: Precision? = nil, inputPrecision: Precision? = nil) throws -> PassWork {
        let bound = try self.bound(file, sizes: sizes, maskDensity: maskDensity, outputPrecision: outputPrecision, inputPrecision: inputPrecision)
        var ops = bound.totalOperationCounts
        ops += bound.initializationCounts()
        let io = bound.cascade.tensors.filter { $0.role == .input || $0.role == .output }
        let bytes = io.reduce(0.0) { $0 + bound.bytes(of: $1.name) }
        return PassWork(name: name, operations: ops, dramBytes: bytes)
    }

    /// The same cascade as one fused pass for a spatial target, Einsum by Einsum
    /// (``SpatialPassMapper`` lays it onto the units).
    public static func spatialPass(_ file: String, name: String, sizes: [String: Int], maskDensity: Double? = nil,
                                   outputPrecision: Precision? = nil, inputPrecision: Precision? = nil) throws -> SpatialPass {
        let bound = try self.bound(file, sizes: sizes, maskDensity: maskDensity, outputPrecision: outputPrecision, inputPrecision: inputPrecision)
        guard var pass = bound.spatialPasses(fused: true).first else {
            throw SimulationError.unsupported("cascade '\(file)' has no Einsums")
        }
        pass.name = name
        return pass
    }

    /// `file` bound to `sizes`, with the mask density and tensor precisions replaced.
    public static func bound(_ file: String, sizes: [String: Int], maskDensity: Double? = nil,
                             outputPrecision: Precision? = nil, inputPrecision: Precision? = nil) throws -> BoundCascade {
        var cascade = try load(file)
        if let density = maskDensity {
            for i in cascade.einsums.indices where cascade.einsums[i].sparsity?.kind == .mask {
                cascade.einsums[i].sparsity?.density = density
            }
        }
        for i in cascade.tensors.indices where cascade.tensors[i].precision != .fp32 {
            if cascade.tensors[i].role == .output, let p = outputPrecision { cascade.tensors[i].precision = p }
            if cascade.tensors[i].role == .input, let p = inputPrecision, cascade.tensors[i].precision != .int8 { cascade.tensors[i].precision = p }
        }
        let binding = sizes.filter { key, _ in
            guard let rank = cascade.rank(named: key) else { return false }
            if case .partition = rank.shape { return false }
            return true
        }
        return try cascade.bind(binding)
    }
}
