/// The workload sizes a sweep steps (``SweepParameter/workloadNames``), on whatever holds them:
/// the library's ``SweepBase`` and the command line's options both conform, so one table maps a
/// sweep axis name onto its field.
public protocol WorkloadSizes {
    var seq: Int? { get set }
    var batch: Int? { get set }
    var heads: Int? { get set }
    var kvHeads: Int? { get set }
    var qLen: Int? { get set }
    var kvLen: Int? { get set }
    var headDim: Int? { get set }
}

extension WorkloadSizes {
    /// Sets the size that workload axis `name` (`seq`, `batch`, `heads`, `kv-heads`, `q-len`,
    /// `kv-len`, `head-dim`) names; other names change nothing.
    public mutating func set(workloadAxis name: String, to n: Int) {
        switch name {
        case "seq": seq = n
        case "batch": batch = n
        case "heads": heads = n
        case "kv-heads": kvHeads = n
        case "q-len": qLen = n
        case "kv-len": kvLen = n
        case "head-dim": headDim = n
        default: break
        }
    }
}

extension SweepBase: WorkloadSizes {}
