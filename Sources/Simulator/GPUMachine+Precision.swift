import EinsimCore

/// Matrix rates and energies per operand precision, and the view of a machine that an attention
/// kernel with quantized operands sees.
extension GPUMachine {
    /// Precisions tried, in order, when the profile lists no rate for `precision`: a format the
    /// matrix unit lacks runs in the next wider one it has (H100 has no int4 tensor-core path, so
    /// int4 operands are multiplied at the int8 rate, as SageAttention2 does on Hopper).
    static func fallbackChain(_ precision: Precision) -> [Precision] {
        switch precision {
        case .int2: return [.int2, .int4, .int8, .fp8, .bf16]
        case .int4: return [.int4, .int8, .fp8, .bf16]
        case .int8: return [.int8, .fp8, .bf16]
        case .fp8: return [.fp8, .int8, .bf16]
        case .fp16: return [.fp16, .bf16]
        case .bf16: return [.bf16, .fp16]
        case .tf32: return [.tf32, .fp32, .bf16]
        case .fp32: return [.fp32, .tf32, .bf16]
        }
    }

    /// Achieved MACs per cycle per processor at `precision` on `path`.
    ///
    /// The profile's entry when it lists one; when the precision is listed only on other paths,
    /// the path's bf16 rate scaled by the precision's best-path speedup over bf16; otherwise the
    /// next format of `fallbackChain`; finally the path's resolved rate.
    public func matrixRate(precision: Precision, path: String) -> Double {
        let bf16Best = matrixRateByPrecision[.bf16]?.values.max()
        for p in Self.fallbackChain(precision) {
            guard let byPath = matrixRateByPrecision[p], let best = byPath.values.max() else { continue }
            if let exact = byPath[path] { return exact }
            if let bf16Here = matrixRateByPrecision[.bf16]?[path], let bf16Best, bf16Best > 0 {
                return bf16Here * best / bf16Best
            }
        }
        return matrixRate(path: path)
    }

    /// Energy of one MAC at `precision` on `path` (the profile's nearest entry).
    public func energyPerMAC(precision: Precision, path: String) -> Double {
        energyPerMACByPrecision[precision]?[path] ?? energyPerMAC(path: path)
    }

    /// The machine as a kernel whose matrix operands are all at `precision` sees it (a GEMM at
    /// that precision): each path's rate and MAC energy at `precision`. bf16 returns it unchanged.
    public func view(operands precision: Precision) -> GPUMachine {
        attentionView(qk: precision, pv: precision, headDim: 1, valueDim: 1)
    }

    /// The machine as an attention kernel with Q·K operands at `qk` and P·V operands at `pv` sees it:
    /// on every path, the rate at which one score's e + f MACs complete,
    /// (e + f) / (e / rate(qk) + f / rate(pv)), and the matching MAC-weighted energy. bf16/bf16
    /// returns the machine unchanged.
    public func attentionView(qk: Precision, pv: Precision, headDim e: Int, valueDim f: Int) -> GPUMachine {
        if qk == .bf16 && pv == .bf16 { return self }
        var view = self
        let we = Double(max(0, e)), wf = Double(max(0, f))
        guard we + wf > 0 else { return self }
        for path in matrixRate.keys {
            let rqk = matrixRate(precision: qk, path: path), rpv = matrixRate(precision: pv, path: path)
            view.matrixRate[path] = (we + wf) / (we / max(rqk, 1e-9) + wf / max(rpv, 1e-9))
            view.energyPerMACByPath[path] = (we * energyPerMAC(precision: qk, path: path) + wf * energyPerMAC(precision: pv, path: path)) / (we + wf)
        }
        view.defaultPath = view.matrixRate.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? defaultPath
        return view
    }
}
