import Testing
import EinsimCore
@testable import EinsumIR

@Suite("Example cascades")
struct ExampleCascadeTests {
    @Test("pass counts of the shipped cascades", arguments: [
        ("attention-3pass.einsum", 3), ("attention-3pass-divdefer.einsum", 2), ("attention-2pass.einsum", 2),
        ("attention-1pass.einsum", 1), ("attention-1pass-nodefer.einsum", 1), ("attention-1pass-blocksparse.einsum", 1),
        ("gemm.einsum", 1), ("pedagogical-1.einsum", 2), ("pedagogical-2.einsum", 1), ("pedagogical-3.einsum", 1),
        ("linear-attention.einsum", 1), ("linear-attention-decode.einsum", 2), ("sla-marginal.einsum", 1),
        ("mla-decode.einsum", 2), ("quantize.einsum", 2),
    ])
    func passCounts(file: String, passes: Int) throws {
        let analysis = try Fixtures.cascade(file).passAnalysis()
        #expect(analysis.passes == passes, "\(file)")
    }

    @Test("every example file is covered by the pass-count table")
    func examplesListed() {
        #expect(Fixtures.exampleFiles.count == 15)
    }

    @Test("print then parse gives an equal cascade", arguments: Fixtures.exampleFiles)
    func roundTrip(file: String) throws {
        let original = try Fixtures.cascade(file)
        let printed = original.description
        let reparsed = try CascadeParser.parse(printed, file: "printed-\(file)")
        #expect(reparsed == original, "\(file) printed as:\n\(printed)")
        #expect(reparsed.description == printed)
        #expect(reparsed.passAnalysis() == original.passAnalysis())
    }

    @Test("3-pass: pass assignment and revisited fibers")
    func threePassAssignment() throws {
        let analysis = try Fixtures.cascade("attention-3pass.einsum").passAnalysis()
        #expect(analysis.dominantRank == "m")
        #expect(analysis.einsumPass == [1, 1, 2, 2, 3, 3])
        #expect(analysis.reasons[2].contains("reads GM"))
        let m = try #require(analysis.byRank.first { $0.rank == "m" })
        #expect(m.tensors.first { $0.tensor == "QK" }?.passes == [1, 2])
        #expect(m.tensors.first { $0.tensor == "SN" }?.passes == [2, 3])
        #expect(analysis.byRank.filter { $0.rank != "m" }.allSatisfy { $0.passes == 1 })
    }

    @Test("2-pass and 1-pass assignments")
    func otherAssignments() throws {
        let two = try Fixtures.cascade("attention-2pass.einsum").passAnalysis()
        #expect(two.einsumPass == [1, 1, 1, 1, 1, 1, 2, 2, 2, 2])
        #expect(two.reasons[9].contains("does not traverse m"))
        let one = try Fixtures.cascade("attention-1pass.einsum").passAnalysis()
        #expect(one.einsumPass == Array(repeating: 1, count: 12))
        let ped = try Fixtures.cascade("pedagogical-1.einsum").passAnalysis()
        #expect(ped.einsumPass == [1, 2, 2])
        #expect(ped.dominantRank == "k")
    }

    @Test("Cascade 5 structure: partition, iterative rank, initializations")
    func cascadeFiveStructure() throws {
        let c = try Fixtures.cascade("attention-1pass.einsum")
        #expect(c.initializations.count == 5)
        #expect(c.einsums.count == 12)
        #expect(c.rank(named: "m1")?.isIterative == true)
        #expect(c.parts(of: "m") == ["m1", "m0"])
        #expect(c.partitionParent(of: "m0") == "m")
        let bqk = c.einsums[0]
        #expect(bqk.outputTensor == "BQK")
        #expect(bqk.outputRanks == ["b", "h", "m1", "m0", "p"])
        #expect(bqk.inputTensors == ["Q", "BK"])
        #expect(bqk.inputs.map(\.ranks) == [["b", "h", "e", "p"], ["b", "h", "e", "m1", "m0"]])
        #expect(bqk.iterationRanks == ["b", "h", "m1", "m0", "p", "e"])
        #expect(bqk.reducedRanks == ["e"])
        #expect(bqk.density == 1)
        #expect(bqk.location?.line == 27)
        #expect(c.einsums[1].reduction == .max)
        #expect(c.initializations[0].inputs[0].ranks == ["b", "h", "e", "m"])
        #expect(c.tensor(named: "K")?.role == .input)
        #expect(c.tensor(named: "AV")?.role == .output)
        #expect(c.tensor(named: "RM")?.role == .intermediate)
        #expect(c.einsums[6].expression.isSubThenExp)
    }

    @Test("dependency graph of the 3-pass cascade")
    func dependencyGraph() throws {
        let g = try Fixtures.cascade("attention-3pass.einsum").dependencyGraph()
        #expect(g.producers["GM"] == [EinsumID(index: 1)])
        #expect(g.consumers["QK"] == [EinsumID(index: 1), EinsumID(index: 2)])
        #expect(g.edges.allSatisfy { !$0.isLoopCarried })
        let one = try Fixtures.cascade("attention-1pass.einsum").dependencyGraph()
        #expect(one.edges.contains { $0.tensor == "RD" && $0.isLoopCarried && $0.consumer == EinsumID(index: 7) })
        #expect(one.producers["RM"] == [EinsumID(isInitialization: true, index: 2), EinsumID(index: 2)])
    }

    @Test("JSON report has passes, by_rank and per-Einsum passes, with sorted keys")
    func jsonReport() throws {
        let json = PassReport(cascade: try Fixtures.cascade("attention-3pass.einsum")).json()
        #expect(json.contains("\"passes\" : 3"))
        #expect(json.contains("\"by_rank\""))
        #expect(json.contains("\"einsums\""))
        #expect(json == PassReport(cascade: try Fixtures.cascade("attention-3pass.einsum")).json())
        let keys = ["by_rank", "cascade", "dominant_rank", "einsums", "passes"].compactMap { json.range(of: "\n  \"\($0)\"")?.lowerBound }
        #expect(keys.count == 5 && keys == keys.sorted())
    }

    @Test("validate summary")
    func summary() throws {
        let text = try EinsumFileSummary.validate(path: Fixtures.path("attention-2pass.einsum"))
        #expect(text.contains("valid cascade 'attention-2pass'"))
        #expect(text.contains("passes: 2 over m"))
    }
}
