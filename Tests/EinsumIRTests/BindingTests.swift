import Testing
import EinsimCore
@testable import EinsumIR

@Suite("Binding, sizes and footprints")
struct BindingTests {
    @Test("defaults, overrides by shape or index name, derived partitions")
    func binding() throws {
        let c = try Fixtures.cascade("attention-1pass.einsum")
        let defaults = try c.bind()
        #expect(defaults.rankSizes["m"] == 4096)
        #expect(defaults.rankSizes["m1"] == 32)
        let bound = try c.bind(["M": 1000, "m0": 64, "B": 2])
        #expect(bound.rankSizes["m1"] == 16)
        #expect(bound.size(of: "M1") == 16)
        #expect(bound.rankSizes["b"] == 2)
        #expect(bound.elements(of: "Q") == 2 * 64 * 4096)
        #expect(bound.bytes(of: "Q") == 2 * 64 * 4096 * 2)
        #expect(bound.elements(of: "nope") == 0)
    }

    @Test("unknown or derived names in a binding are errors with suggestions")
    func bindingErrors() throws {
        let c = try Fixtures.cascade("attention-1pass.einsum")
        do {
            _ = try c.bind(["Mx": 4])
            Issue.record("expected an error")
        } catch let error as CascadeError {
            #expect(error.message.contains("unknown rank 'Mx'"))
            #expect(error.suggestion == "did you mean 'M'?")
        }
        #expect(throws: CascadeError.self) { try c.bind(["M1": 4]) }
        #expect(throws: CascadeError.self) { try c.bind(["M": 0]) }
    }

    @Test("precision declarations and the default precision")
    func precisions() throws {
        let text = """
        cascade p
        precision fp32
        rank K = 8
        input A[k] : fp16
        X[k] = A[k] * 2
        """
        let c = try CascadeParser.parse(text, file: "p.einsum")
        let bound = try c.bind()
        #expect(bound.bytes(of: "A") == 16)
        #expect(bound.bytes(of: "X") == 32)
        #expect(try CascadeParser.parse(c.description, file: "again") == c)
    }

    @Test("minimal live footprint of the unfused schedule")
    func footprint() throws {
        let gemm = try Fixtures.cascade("gemm.einsum").bind(["M": 4, "N": 8, "K": 2])
        #expect(gemm.minimalLiveFootprintBytes() == Double(2 * 4 + 2 * 8 + 4 * 8) * 2)
        // 3-pass, all sizes 2 except M = P = 4: QK and SN ([b,h,m,p] = 16 elements) dominate.
        let three = try Fixtures.cascade("attention-3pass.einsum").bind(["B": 1, "H": 1, "M": 4, "P": 4, "E": 2, "F": 2])
        let total = three.cascade.tensors.map { three.bytes(of: $0.name) }.reduce(0, +)
        let footprint = three.minimalLiveFootprintBytes()
        #expect(footprint < total)
        #expect(footprint >= three.bytes(of: "QK") + three.bytes(of: "SN"))
    }

    @Test("huge shapes do not overflow")
    func hugeShapes() throws {
        let bound = try Fixtures.cascade("attention-1pass.einsum").bind(["M": 1 << 40, "P": 1 << 40, "B": 1 << 10, "H": 1 << 10])
        let macs = bound.totalOperationCounts[.matrixMAC]
        #expect(macs.isFinite && macs > 1e30)
        #expect(bound.bytes(of: "BQK").isFinite)
    }
}
