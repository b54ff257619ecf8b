import Testing

/// `einsim map` and `einsim list`: what the README promises they show.
@Suite struct MapAndListCLITests {
    @Test func mapShowsKernelsLoopNestAndTraffic() {
        let (status, out) = CLI.run(["map", "--heads", "32", "--q-len", "8192", "--head-dim", "128", "--algorithm", "3pass"])
        #expect(status == 0)
        #expect(out.contains("kernel 1: pass 1") && out.contains("kernel 3: pass 3"))
        #expect(out.contains("traffic: hbm"))
        let (s2, fused) = CLI.run(["map", "--heads", "32", "--kv-heads", "8", "--q-len", "1", "--kv-len", "65536",
                                   "--head-dim", "128", "--kernel", "fa2"])
        #expect(s2 == 0 && fused.contains("combine Einsum") && fused.contains("4 real rows of 64"))
    }

    @Test func listHasEverySection() {
        let (status, out) = CLI.run(["list"])
        #expect(status == 0)
        for heading in ["Hardware profiles ('engines' lists the --engine values that simulate an attention call on it", "Mapping presets (--mapping, alias --kernel):", "Variants:", "Predictors", "Models:", "Serving datasets (--dataset, <datasets>):"] {
            #expect(out.contains(heading), "missing \(heading)")
        }
        #expect(out.contains("nvidia-h100-sxm") && out.contains("llama-3-8b") && out.contains("fa2"))
    }
}
