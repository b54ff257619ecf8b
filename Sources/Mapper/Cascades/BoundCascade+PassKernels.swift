import EinsimCore
import Workloads
import EinsumIR

extension BoundCascade {
    /// One kernel's work per pass of the cascade (FuseMax §III-A: Einsums in different passes
    /// cannot be fused): the pass's operation counts, and the DRAM bytes of the tensors that cross
    /// its boundary — inputs produced elsewhere (or cascade inputs) read, outputs that a later pass
    /// or the caller consumes written. Names are `prefix + "pass N: outputs"`; empty passes are skipped.
    public func passKernels(namePrefix prefix: String = "") -> [PassWork] {
        let analysis = cascade.passAnalysis()
        let counts = operationCounts()
        let einsums = cascade.einsums
        func pass(_ i: Int) -> Int { analysis.einsumPass[safe: i] ?? 1 }
        var producedIn: [String: Int] = [:]
        for (i, e) in einsums.enumerated() { producedIn[e.outputTensor] = pass(i) }
        var result: [PassWork] = []
        for p in 1...max(1, analysis.passes) {
            var ops = OperationCounts()
            var moved = Set<String>()
            var names: [String] = []
            for (i, e) in einsums.enumerated() where pass(i) == p {
                ops += counts[safe: i] ?? OperationCounts()
                names.append(e.outputTensor)
                for t in e.inputTensors where (producedIn[t] ?? 0) != p { moved.insert(t) }
                let consumedLater = einsums.enumerated().contains { j, other in pass(j) > p && other.inputTensors.contains(e.outputTensor) }
                if consumedLater || cascade.tensor(named: e.outputTensor)?.role == .output { moved.insert(e.outputTensor) }
            }
            guard !names.isEmpty else { continue }
            let traffic = moved.sorted().reduce(0.0) { $0 + self.bytes(of: $1) }
            result.append(PassWork(name: "\(prefix)pass \(p): " + names.joined(separator: ", "), operations: ops, dramBytes: traffic))
        }
        return result
    }
}
