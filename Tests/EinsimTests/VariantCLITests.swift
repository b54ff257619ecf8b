import EinsimCLI
import Testing

/// `--variant` specs through the CLI: every catalog spec runs, bad specs exit 2 with a suggestion.
@Suite struct VariantCLITests {
    static let prefill = ["--heads", "2", "--q-len", "4096", "--head-dim", "128", "--kernel", "fa3"]
    static let decode = ["--batch", "2", "--heads", "8", "--kv-heads", "2", "--q-len", "1", "--kv-len", "8192", "--head-dim", "128", "--kernel", "fa2"]

    @Test("every variant spec parses and simulates", arguments: [
        "top-k:keep=4,block=128", "top-k:keep=4,block=64,sink=256,layout=contiguous", "top-p:density=0.2",
        "head-budget:densities=0.1/0.3", "neighborhood:window=512", "neighborhood:window=9x9,grid=64x64",
        "neighborhood:window=3x7x7,grid=4x32x32,stride=1x2x2,dilation=1x1x2", "vertical-stripes:columns=64,window=256",
        "block-sparse:density=0.2,block=128,predictor=draft", "top-p:density=0.3,predictor=antidiagonal",
    ])
    func prefillVariant(spec: String) {
        let r = CLI.run(["compare"] + Self.prefill + ["--variant", spec])
        #expect(r.status == 0, "\(spec): \(r.output)")
        #expect(r.output.contains("predictor share"))
    }

    @Test("decode selections", arguments: ["double-sparsity:tokens=0.0625,channels=0.0625", "quest:tokens=0.1,page=16", "razor:retrieval=0.2,window=512"])
    func decodeVariant(spec: String) {
        let r = CLI.run(["compare", "--format", "json"] + Self.decode + ["--variant", spec])
        #expect(r.status == 0, "\(spec): \(r.output)")
        #expect(r.output.contains("predictor_share"))
    }

    @Test("bad specs exit 2", arguments: [
        ("top-k:keep=4,predictor=blockmean", "block-mean"), ("top-kk:keep=4", "top-k"), ("neighbourhood:window=5", "neighborhood"),
        ("top-k:kep=4", "keep"), ("top-p:density=1.5", "fraction"), ("neighborhood:window=0", "positive"),
        ("neighborhood:window=9x9,grid=10x10", "grid"), ("head-budget:densities=0.1/x", "density"),
        ("vertical-stripes:columns=4,layout=diagonal", "scattered"),
    ])
    func badSpec(spec: String, hint: String) {
        let r = EinsimCommand.capture(arguments: ["simulate"] + Self.prefill + ["--variant", spec])
        #expect(r.status == 2, "\(spec): \(r.error)")
        #expect(r.error.contains(hint), "\(spec): \(r.error)")
    }

    @Test func decodeSelectionNeedsDecodeShape() {
        let r = CLI.run(["simulate"] + Self.prefill + ["--variant", "quest:tokens=0.1"])
        #expect(r.status == 2)
    }

    @Test func listShowsVariants() {
        let r = CLI.run(["list"])
        #expect(r.status == 0)
        #expect(r.output.contains("Variants:"))
        #expect(r.output.contains("Double Sparsity"))
        #expect(r.output.contains("neighborhood:window="))
    }
}

@Suite struct VariantKernelOverrideTests {
    @Test func aVariantRunsOnItsOwnKernel() throws {
        let (status, out) = CLI.run(["compare", "--heads", "8", "--q-len", "8192", "--head-dim", "128", "--format", "json",
                                     "--variant", "dense:kernel=cudnn", "--variant", "block-sparse:density=0.25,block=128,kernel=flex"])
        #expect(status == 0)
        #expect(out.contains("\"kernel\":\"cudnn\"") && out.contains("\"kernel\":\"flex\""))
        #expect(CLI.run(["simulate", "--heads", "8", "--q-len", "64", "--head-dim", "64", "--variant", "dense:kernel=fa9"]).status == 2)
    }
}
