import EinsimCore
import Foundation
import Mapper

/// A GPU attention search's reusable state: the loop-nest structures of the candidates
/// (by GQA packing × split of the keys) compiled once for the call's tensors, and scratch
/// buffers, so each candidate's traffic is the general reuse analysis evaluated on numbers.
/// One per search (not shared between threads).
final class PreparedAttention {
    /// Immutable once built, so shared between evaluations (and threads) through ``cache``.
    final class Structure: @unchecked Sendable {
        let compiled: CompiledReuse
        let tensors: [(name: String, role: MappedTensor.Role, bytes: Double, ranks: Set<String>, source: Int, lse: Bool)]
        let keyTensor: [Bool]
        /// Entry index of each tensor at the L2, shared and register levels (-1 when not kept).
        let atL2: [Int], atShared: [Int], atRegisters: [Int]
        /// Whether each tensor is a split-KV partial (output or log-sum-exp).
        let partial: [Bool]
        let masks: [Int]
        let others: [Double]
        let elementBytes: [Double]
        init(compiled: CompiledReuse, tensors: [(name: String, role: MappedTensor.Role, bytes: Double, ranks: Set<String>, source: Int, lse: Bool)],
             keyTensor: [Bool], atL2: [Int], atShared: [Int], atRegisters: [Int], others: [Double]) {
            self.compiled = compiled; self.tensors = tensors; self.keyTensor = keyTensor
            self.atL2 = atL2; self.atShared = atShared; self.atRegisters = atRegisters
            partial = tensors.map { $0.lse || $0.name.hasSuffix(".partial") }
            masks = tensors.map { AttentionMapping.rankMask($0.ranks) }
            self.others = others
            elementBytes = tensors.map(\.bytes)
        }
    }

    /// Structures by (tensors, element width, levels, packing, split), shared process-wide: a
    /// sweep or a sequence of evaluations compiles each structure once.
    struct CacheKey: Hashable {
        var tensors: [AttentionTensor], elementBytes: Double, levels: GPUStorageLevels, variant: Int
    }
    nonisolated(unsafe) private static var cache: [CacheKey: Structure] = [:]
    /// The structures used last, most recent first, found by `==` before the dictionary is
    /// hashed: a sweep's evaluations share the key's arrays and strings, which compare by
    /// identity at once, while hashing them costs more than the rest of the lookup.
    nonisolated(unsafe) private static var recent: [(key: CacheKey, structure: Structure)] = []
    private static let cacheLock = NSLock()

    let tensors: [AttentionTensor]
    let levels: GPUStorageLevels
    let processors: Int
    let elementBytes: Double
    private var structures: [Structure?] = [nil, nil, nil, nil]
    /// Scratch (allocated once; no exclusivity checks in the inner loop).
    let factors: UnsafeMutableBufferPointer<Double>
    let extents: UnsafeMutableBufferPointer<Double>
    let tile: UnsafeMutableBufferPointer<Double>
    let parent: UnsafeMutableBufferPointer<Double>

    init(tensors: [AttentionTensor], levels: GPUStorageLevels, processors: Int, elementBytes: Double) {
        self.tensors = tensors; self.levels = levels; self.processors = processors; self.elementBytes = elementBytes
        // At most two nest tensors per call tensor (a split output's partials and log-sum-exps).
        let t = 2 * max(1, tensors.count)
        factors = .allocate(capacity: 16); factors.initialize(repeating: 1)
        extents = .allocate(capacity: t * AttentionMapping.nestRanks.count); extents.initialize(repeating: 1)
        tile = .allocate(capacity: t * 4); tile.initialize(repeating: 0)
        parent = .allocate(capacity: t * 4); parent.initialize(repeating: 0)
    }

    deinit {
        factors.deallocate(); extents.deallocate(); tile.deallocate(); parent.deallocate()
    }

    func structure(for mapping: AttentionMapping) -> Structure {
        let key = (mapping.packsGroups ? 2 : 0) + (mapping.splits > 1 ? 1 : 0)
        if let s = structures[key] { return s }
        let cacheKey = CacheKey(tensors: tensors, elementBytes: elementBytes, levels: levels, variant: key)
        Self.cacheLock.lock()
        var shared = Self.recent.first { $0.key == cacheKey }?.structure
        if shared == nil, let known = Self.cache[cacheKey] {
            shared = known
            Self.remember(cacheKey, known)
        }
        Self.cacheLock.unlock()
        if let shared { structures[key] = shared; return shared }
        let nt = mapping.nestTensors(tensors, elementBytes: elementBytes)
        let names = nt.map(\.name)
        let keyNames = nt.filter { $0.ranks.contains("m") }.map(\.name)
        let nest = AttentionMapping.nestTemplate(packed: mapping.packsGroups, levels: levels, tensors: names, keyTensors: keyNames,
                                                 processors: processors)
        let compiled = CompiledReuse(nest: nest, ranks: AttentionMapping.nestRanks, tensors: nt.map { ($0.name, $0.ranks) },
                                     limitedLevel: levels.l2)
        func index(_ level: String) -> [Int] {
            let li = compiled.levelNames.firstIndex(of: level) ?? -1
            return nt.indices.map { t in (0..<compiled.entryCount).first { compiled.entryTensor[$0] == t && compiled.entryLevel[$0] == li } ?? -1 }
        }
        let s = Structure(compiled: compiled, tensors: nt, keyTensor: nt.map { $0.ranks.contains("m") },
                          atL2: index(levels.l2), atShared: index(levels.shared), atRegisters: index(levels.registers),
                          others: nt.map { tensors[$0.source].otherElements })
        structures[key] = s
        Self.cacheLock.lock()
        if Self.cache.count > 4096 { Self.cache.removeAll() }
        Self.cache[cacheKey] = s
        Self.remember(cacheKey, s)
        Self.cacheLock.unlock()
        return s
    }

    /// Puts a structure first among the recent ones (the caller holds the lock).
    private static func remember(_ key: CacheKey, _ structure: Structure) {
        recent.insert((key, structure), at: 0)
        if recent.count > 8 { recent.removeLast() }
    }
}
