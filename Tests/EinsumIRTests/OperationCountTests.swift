import Testing
import EinsimCore
@testable import EinsumIR

/// A labelled shape so failures print their inputs.
struct CascadeShape: CustomTestStringConvertible, Sendable {
    var b, h, m, p, e, f, m0: Int
    var testDescription: String { "B=\(b) H=\(h) M=\(m) P=\(p) E=\(e) F=\(f) M0=\(m0)" }
    var binding: [String: Int] { ["B": b, "H": h, "M": m, "P": p, "E": e, "F": f, "M0": m0] }
    var m1: Double { Double((m + m0 - 1) / m0) }
    var bh: Double { Double(b * h) }
    var mp: Double { m1 * Double(m0) }  // padded M = M1 * M0

    static let all: [CascadeShape] = [
        CascadeShape(b: 1, h: 1, m: 4096, p: 4096, e: 64, f: 64, m0: 128),
        CascadeShape(b: 2, h: 8, m: 1000, p: 333, e: 128, f: 64, m0: 64),       // M not a multiple of M0
        CascadeShape(b: 64, h: 16, m: 1 << 20, p: 1 << 20, e: 128, f: 128, m0: 256),
        CascadeShape(b: 1, h: 32, m: 1 << 21, p: 1, e: 128, f: 128, m0: 128),   // decode
    ]
}

@Suite("Operation counts")
struct OperationCountTests {
    func bound(_ file: String, _ shape: CascadeShape) throws -> BoundCascade {
        let cascade = try Fixtures.cascade(file)
        return try cascade.bind(shape.binding.filter { cascade.rank(named: $0.key) != nil })
    }

    func expectCounts(_ counts: OperationCounts, _ expected: [CostClass: Double], _ label: String) {
        for c in CostClass.allCases {
            #expect(approximatelyEqual(counts[c], expected[c] ?? 0), "\(label) \(c): \(counts[c]) vs \(expected[c] ?? 0)")
        }
    }

    @Test("3-pass attention", arguments: CascadeShape.all)
    func threePass(shape s: CascadeShape) throws {
        let bound = try bound("attention-3pass.einsum", s)
        let mp = s.bh * Double(s.m) * Double(s.p)
        expectCounts(bound.totalOperationCounts, [
            .matrixMAC: mp * Double(s.e + s.f), .specialFunction: mp, .vectorMax: mp, .vectorAdd: 2 * mp, .divide: mp,
        ], "3-pass")
        #expect(bound.initializationCounts() == OperationCounts())
        #expect(bound.operationCounts().count == 6)
    }

    @Test("3-pass with division deferred", arguments: CascadeShape.all)
    func divisionDeferred(shape s: CascadeShape) throws {
        let bound = try bound("attention-3pass-divdefer.einsum", s)
        let mp = s.bh * Double(s.m) * Double(s.p)
        expectCounts(bound.totalOperationCounts, [
            .matrixMAC: mp * Double(s.e + s.f), .specialFunction: mp, .vectorMax: mp, .vectorAdd: 2 * mp, .divide: s.bh * Double(s.f * s.p),
        ], "divdefer")
    }

    @Test("2-pass attention", arguments: CascadeShape.all)
    func twoPass(shape s: CascadeShape) throws {
        let bound = try bound("attention-2pass.einsum", s)
        let p = Double(s.p), f = Double(s.f), e = Double(s.e)
        expectCounts(bound.totalOperationCounts, [
            .matrixMAC: s.bh * (s.mp * p * (e + f) + s.m1 * p + f * s.m1 * p),
            .specialFunction: s.bh * (s.mp * p + s.m1 * p),
            .vectorMax: s.bh * (s.mp * p + s.m1 * p),
            .vectorAdd: s.bh * (2 * s.mp * p + s.m1 * p),
            .divide: s.bh * f * p,
        ], "2-pass")
        #expect(bound.rankSizes["m1"] == Int(s.m1))
    }

    @Test("1-pass attention (Cascade 5)", arguments: CascadeShape.all)
    func onePass(shape s: CascadeShape) throws {
        let bound = try bound("attention-1pass.einsum", s)
        let p = Double(s.p), f = Double(s.f), e = Double(s.e)
        expectCounts(bound.totalOperationCounts, [
            .matrixMAC: s.bh * p * s.mp * (e + f),
            .specialFunction: s.bh * (s.mp * p + s.m1 * p),
            .vectorMax: s.bh * (s.mp * p + s.m1 * p),
            .vectorAdd: s.bh * (2 * s.mp * p + 2 * s.m1 * p + f * s.m1 * p),
            .vectorMul: s.bh * (s.m1 * p + f * s.m1 * p),
            .divide: s.bh * f * p,
        ], "1-pass")
        // The iterative running max counts once per iteration: M1 * P max operations (per b, h).
        #expect(approximatelyEqual(bound.operationCounts()[2][.vectorMax], s.bh * s.m1 * p))
        #expect(bound.initializationCounts() == OperationCounts())
        if Double(s.m) == s.mp {
            // The paper's closed forms when M0 divides M: exps = M·P + M1·P, MACs = B·H·P·M·(E+F).
            let counts = bound.totalOperationCounts
            #expect(approximatelyEqual(counts[.specialFunction], s.bh * (Double(s.m) * p + s.m1 * p)))
            #expect(approximatelyEqual(counts[.matrixMAC], s.bh * p * Double(s.m) * (e + f)))
        }
    }

    @Test("block-sparse attention scales the masked Einsums by the density")
    func blockSparse() throws {
        let bound = try Fixtures.cascade("attention-1pass-blocksparse.einsum").bind()
        let macs = bound.totalOperationCounts[.matrixMAC]
        #expect(approximatelyEqual(macs, 0.25 * 4096 * 4096 * 128))
        let c = bound.cascade
        #expect(c.einsums[0].sparsity?.kind == .mask)
        #expect(c.einsums[0].sparsity?.pattern == "random")
        #expect(c.einsums[0].density == 0.25)
        #expect(c.einsums[2].density == 1)
    }

    @Test("iterative running values count once per iteration; initializations apart")
    func pedagogicalIterative() throws {
        let bound = try Fixtures.cascade("pedagogical-3.einsum").bind(["K": 1000])
        expectCounts(bound.totalOperationCounts, [.vectorAdd: 2000, .vectorMul: 1000, .divide: 1], "pedagogical-3")
    }

    @Test("user operators use their declared cost class; sub-then-exp is add + special function")
    func userOperators() throws {
        let text = """
        rank M = 10
        rank N = 3
        operator softplus : special-function
        operator lse : vector-max
        input A[m,n]
        input G[n]
        S[m,n] = softplus(A[m,n])
        R[n] = S[m,n] :: reduce m lse
        X[m,n] = exp(A[m,n] - G[n])
        Y[m,n] = -A[m,n] * 2 + min(A[m,n], G[n], 0)
        """
        let bound = try CascadeParser.parse(text, file: "ops.einsum").bind()
        let counts = bound.operationCounts()
        expectCounts(counts[0], [.specialFunction: 30], "softplus")
        expectCounts(counts[1], [.vectorMax: 30], "lse")
        expectCounts(counts[2], [.vectorAdd: 30, .specialFunction: 30], "sub-then-exp")
        expectCounts(counts[3], [.vectorAdd: 60, .vectorMul: 30, .vectorMax: 60], "mixed")
    }
}
