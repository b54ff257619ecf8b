import HardwareModel

/// One attention GEMV of one head of one request, laid out on one PIM bus as the NeuPIMs public
/// simulator lays out the KV cache (pim.md): the head's matrix (keys × head dim for Q·Kᵀ, tokens
/// × value dim for P·V) fills one DRAM row (page) in every bank of the bus at a time; a tile opens
/// those rows with G_ACTs (gactBanks banks each, within tFAW), runs COMPs until the rows are
/// consumed (each COMP reads macsPerUnit 16-bit elements in every unit), and reads its results
/// out with READRES bursts. The vector (the query for Q·Kᵀ, the probabilities for P·V) is
/// broadcast with GWRITEs into the units' registers, one GWRITE per register-full.
public struct PIMGEMV: Sendable, Hashable {
    public var tiles: [PIMGEMVTile]
    /// Tiles preceded by a GWRITE (the first, and one per further register-full of the vector).
    public var gwriteBeforeTile: Set<Int>

    public init(tiles: [PIMGEMVTile], gwriteBeforeTile: Set<Int>) {
        self.tiles = tiles; self.gwriteBeforeTile = gwriteBeforeTile
    }

    /// Which product of attention a GEMV computes.
    public enum Product: Sendable, Hashable {
        /// Scores q·Kᵀ: the keys split over the banks (each bank whole keys), one result per key.
        case scores
        /// Output P·V: value columns split over the banks, results accumulated in the units over
        /// the tiles and read once at the end (value-dim results).
        case values
    }

    /// The GEMV of `product` for a head with `tokens` cached tokens of `dimension` elements of
    /// `bytesPerElement` bytes each, on a bus of `dram` with `pim` units.
    ///
    /// `activatedTokens` (≥ `tokens`): tokens whose rows must be opened when only `tokens` of them
    /// are computed (a token selection scattered over the rows); the COMPs cover the computed
    /// elements only, spread over the opened tiles. `queries`: query heads sharing this KV head
    /// (grouped-query attention): each opened row feeds that many dot products (COMPs and
    /// results multiply, activations do not), with that many vectors written first.
    public static func layout(_ product: Product, tokens: Int, dimension: Int, bytesPerElement: Double,
                              dram: DRAMOrganization, pim: PIMOrganization, activatedTokens: Int? = nil, queries: Int = 1) -> PIMGEMV {
        // Sizes from a profile can be extreme: products in Double, clamped to exact Int range.
        func exact(_ x: Double) -> Int { Int(min(max(x, 1), 4e15)) }
        let banks = dram.banksPerBus
        let units = max(1, banks / max(1, pim.banksPerUnit))
        let rowElements = exact((dram.rowBytes / max(bytesPerElement, 1e-9)).rounded(.down))
        let elementsPerTile = exact(Double(banks) * Double(rowElements))
        let computed = exact(Double(max(1, tokens)) * Double(max(1, dimension)))
        let elements = max(computed, exact(Double(max(1, activatedTokens ?? tokens)) * Double(max(1, dimension))))
        let tileCount = max(1, (elements + elementsPerTile - 1) / elementsPerTile)
        let gactsPerTile = max(1, (banks + max(1, pim.gactBanks) - 1) / max(1, pim.gactBanks))
        let elementsPerComp = exact(Double(units) * Double(max(1, pim.macsPerUnit)))
        let resultBytes = 2.0
        let burst = max(dram.burstBytes, 1)
        let group = max(1, queries)
        let totalComps = exact(Double(max(tileCount, (computed + elementsPerComp - 1) / elementsPerComp)) * Double(group))
        var tiles: [PIMGEMVTile] = []
        for t in 0..<tileCount {
            let inTile = t == tileCount - 1 ? elements - t * elementsPerTile : elementsPerTile
            let comps = totalComps / tileCount + (t < totalComps % tileCount ? 1 : 0)
            let readres: Int
            switch product {
            case .scores:
                let keys = max(1, Int(Double(inTile) * Double(computed) / Double(elements)) / max(1, dimension))
                readres = max(1, Int((Double(keys * group) * resultBytes / burst).rounded(.up)))
            case .values:
                readres = t == tileCount - 1 ? max(1, Int((Double(dimension * group) * resultBytes / burst).rounded(.up))) : 0
            }
            tiles.append(PIMGEMVTile(precharges: 1, gacts: gactsPerTile, comps: comps, readres: readres))
        }
        // The vector: the query (dimension elements) or the probabilities (tokens elements).
        let vectorBytes = Double(product == .scores ? dimension : tokens) * resultBytes * Double(group)
        let registerBytes = Double(max(1, pim.gwriteBursts)) * burst
        let gwrites = min(tileCount, max(1, Int((vectorBytes / registerBytes).rounded(.up))))
        let before = Set((0..<gwrites).map { g in g * tileCount / gwrites })
        return PIMGEMV(tiles: tiles, gwriteBeforeTile: before)
    }
}
