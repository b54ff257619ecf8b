import Testing
import EinsimCore
@testable import HardwareModel

/// Relative tolerance for datasheet comparisons (0.5%).
private func close(_ a: Double, _ b: Double, tolerance: Double = 0.005) -> Bool { abs(a - b) <= tolerance * abs(b) }

@Suite("Shipped profiles")
struct ShippedProfileTests {
    @Test func allTenShippedProfilesAreFoundAndValid() throws {
        let names = ProfileLibrary.shippedProfileNames()
        #expect(names == ["attacc", "flat", "flat-edge", "fusemax", "neupims", "newton-npu-pim",
                          "nvidia-a100-sxm", "nvidia-h100-sxm", "nvidia-h200-sxm", "tpu-like-npu"])
        let profiles = try ProfileLibrary.shippedProfiles()
        #expect(profiles.map(\.name) == names)
        for profile in profiles { #expect(!profile.summary.isEmpty, "\(profile.name)") }
    }

    @Test func h100() throws {
        let h100 = try ProfileLibrary.load("nvidia-h100-sxm")
        // The profile clock is the measured unconstrained SM clock (1.98 GHz, NVML); the datasheet's
        // 989.4 TFLOPS is the same 4096 FLOP/clk/SM at NVIDIA's 1.83 GHz rating.
        #expect(h100.kind == .gpu && h100.processorCount == 132 && h100.clockHz == 1.98e9)
        #expect(close(ProfileSummary.peakMatrixFLOPS(h100) * 1.83e9 / h100.clockHz, 989.4e12))
        #expect(h100.mainMemory?.name == "hbm")
        #expect(h100.mainMemory?.aggregateBandwidth == 3.35e12)
        #expect(h100.mainMemory?.achievedFraction == 0.9)
        let tensor = try #require(h100.unit(named: "tensor-core"))
        #expect(tensor.throughput(for: .bf16, path: "wgmma")?.opsPerCycle == 2048)
        #expect(tensor.throughput(for: .bf16, path: "mma.sync")?.achievedFraction == 0.6225)
        #expect(tensor.throughput(for: .fp8, path: "wgmma")?.opsPerCycle == 4096)
        #expect(h100.unit(named: "sfu")?.throughput(for: .fp32)?.opsPerCycle == 16)
        #expect(h100.memory(named: "smem")?.bandwidthBytesPerSecond == 128 * 1.98e9)
        #expect(h100.memory(named: "l2")?.capacityBytes == Double(50 * 1_048_576))
        #expect(h100.power.idleWatts == 130.782 && h100.power.limitWatts == 700)
        #expect(abs(h100.launchOverheadSeconds - 0.89e-6) < 1e-12)
        #expect(h100.memoryLevels.map(\.name) == ["hbm", "l2", "smem", "registers"])
    }

    @Test func a100() throws {
        let a100 = try ProfileLibrary.load("nvidia-a100-sxm")
        #expect(a100.processorCount == 108)
        #expect(close(ProfileSummary.peakMatrixFLOPS(a100), 312e12))
        #expect(a100.mainMemory?.aggregateBandwidth == 2.04e12)
        #expect(a100.power.limitWatts == 400)
    }

    @Test func h200ExtendsH100WithItsOwnMeasurements() throws {
        let h100 = try ProfileLibrary.load("nvidia-h100-sxm")
        let h200 = try ProfileLibrary.load("nvidia-h200-sxm")
        #expect(h200.name == "nvidia-h200-sxm")
        #expect(h200.mainMemory?.aggregateBandwidth == 4.8e12)
        #expect(h200.mainMemory?.achievedFraction == 0.935)
        #expect(h200.mainMemory?.capacityBytes == 141e9)
        #expect(h200.memory(named: "l2")?.capacityBytes == Double(60 * 1_048_576), "measured: 62914560 B")
        #expect(h200.power.idleWatts == 121.9)
        #expect(h200.launchOverheadSeconds == 0.55e-6)
        // Same die: same units and datasheet peak; the achieved rates are the H200's own.
        #expect(h200.computeUnits.map(\.name) == h100.computeUnits.map(\.name))
        #expect(ProfileSummary.peakMatrixFLOPS(h200) == ProfileSummary.peakMatrixFLOPS(h100))
        // Shared memory: the H100's capacity and bandwidth, the H200's own measured energy per bit
        // (onchip_energy.py, 2026-12-03); the L2's too. Registers as the H100.
        let smem = try #require(h200.memory(named: "smem")), h100smem = try #require(h100.memory(named: "smem"))
        #expect(smem.capacityBytes == h100smem.capacityBytes && smem.bandwidthBytesPerSecond == h100smem.bandwidthBytesPerSecond)
        #expect(abs(smem.readEnergyPerBit - 0.87e-12) < 1e-18 && abs(h100smem.readEnergyPerBit - 0.3e-12) < 1e-18)
        #expect(abs((h200.memory(named: "l2")?.readEnergyPerBit ?? 0) - 4.2e-12) < 1e-18)
        // Registers: the same file size, the H200's own measured read energy and dependent-use latency.
        let regs = try #require(h200.memory(named: "registers")), h100regs = try #require(h100.memory(named: "registers"))
        #expect(regs.capacityBytes == h100regs.capacityBytes && abs(regs.readEnergyPerBit - 0.14e-12) < 1e-18)
        #expect(abs((h200.memory(named: "l2")?.latencySeconds ?? 0) - 143e-9) < 1e-15)
        // No number is "as H100" unless measured to be the same.
        let text = try String(contentsOfFile: h200.location?.file ?? "", encoding: .utf8)
        #expect(!text.contains("as H100"))
    }

    @Test func fuseMaxAndFlat() throws {
        let fusemax = try ProfileLibrary.load("fusemax")
        let array = try #require(fusemax.unit(named: "pe-2d"))
        #expect(array.rows == 256 && array.columns == 256 && fusemax.clockHz == 940e6)
        #expect(fusemax.unit(named: "pe-1d")?.width == 256)
        #expect(fusemax.mainMemory?.bandwidthBytesPerSecond == Double(400 * 1_073_741_824))
        #expect(close(ProfileSummary.peakMatrixFLOPS(fusemax, precision: .fp16), 2 * 65536 * 940e6))
        #expect(fusemax.memory(named: "global-buffer")?.capacityBytes == Double(16 * 1_048_576))
        #expect(array.energyPerOperation(.matrixMAC, precision: .fp16) == 17.16e-12)
        #expect(fusemax.unit(named: "pe-1d")?.energyPerOperation(.divide, precision: .fp16) == 36.25e-12)
        #expect(array.issueSlots(for: .specialFunction) == 7)
        // 249.6 pJ per 64-bit access = 3.9 pJ/bit.
        #expect(close(fusemax.mainMemory?.readEnergyPerBit ?? 0, 3.9e-12, tolerance: 1e-9))
        let flat = try ProfileLibrary.load("flat")
        #expect(flat.memory(named: "global-buffer")?.capacityBytes == Double(32 * 1_048_576))
        #expect(flat.units(for: .specialFunction).map(\.name) == ["exp-unit"])
        let edge = try ProfileLibrary.load("flat-edge")
        #expect(edge.unit(named: "pe-2d")?.rows == 32 && edge.unit(named: "pe-2d")?.columns == 32)
        #expect(edge.memory(named: "global-buffer")?.capacityBytes == Double(512 * 1024))
        #expect(edge.mainMemory?.bandwidthBytesPerSecond == Double(50 * 1_073_741_824))
        #expect(edge.unit(named: "pe-2d")?.energy == flat.unit(named: "pe-2d")?.energy)
    }

    @Test func tpuLikeNPU() throws {
        let npu = try ProfileLibrary.load("tpu-like-npu")
        let array = try #require(npu.unit(named: "systolic-array"))
        #expect(array.count == 8 && array.rows == 128 && array.columns == 128)
        #expect(close(ProfileSummary.peakMatrixFLOPS(npu), 8 * 128 * 128 * 2 * 1e9))
        #expect(npu.unit(named: "vector-unit")?.width == 128)
    }

    @Test func neuPIMsAndNewton() throws {
        let neupims = try ProfileLibrary.load("neupims")
        #expect(neupims.kind == .system)
        #expect(neupims.devices.map(\.name) == ["npu", "pim"])
        let dram = try #require(neupims.dram)
        #expect(dram.channels == 32 && dram.banksPerChannel == 32 && dram.tCKSeconds == 1e-9)
        #expect(dram.timing.CL == 14 && dram.timing.tRCD == 14 && dram.timing.tRAS == 34 && dram.timing.tFAW == 30)
        #expect(dram.timing.tRFC == 260 && dram.timing.tREFI == 3900 && dram.timing.tCCD_L == 2)
        let pim = try #require(neupims.pim)
        #expect(pim.rowBuffersPerBank == 2 && pim.macsPerUnit == 16 && pim.compIntervalCycles == 2)
        // 16 MACs per COMP every 2 ns = 16 GFLOP/s per bank.
        let alu = try #require(neupims.unit(named: "pim-alu"))
        #expect(2 * (alu.throughput(for: .fp16)?.opsPerCycle ?? 0) * 1e9 == 16e9)
        #expect(neupims.mainMemory?.bandwidthBytesPerSecond == 1024e9)
        #expect(neupims.memory(named: "hbm")?.serves == ["scratchpad", "pim-alu"])
        #expect(neupims.devices[0].memoryLevels.map(\.name) == ["scratchpad"])
        let newton = try ProfileLibrary.load("newton-npu-pim")
        #expect(newton.pim?.rowBuffersPerBank == 1)
        #expect(newton.dram == neupims.dram)
    }

    @Test func attAcc() throws {
        let attacc = try ProfileLibrary.load("attacc")
        #expect(attacc.mainMemory?.bandwidthBytesPerSecond == 670.4e9)
        let dram = try #require(attacc.dram)
        #expect(dram.channels == 16 && dram.pseudoChannels == 2 && dram.totalBanks == 1024)
        #expect(dram.timing.CL == 20 && dram.timing.tRCD == 31 && dram.timing.tRP == 26 && dram.timing.tFAW == 24)
        #expect(attacc.pim?.placement == .bank && attacc.pim?.powerCapFraction == 0.5625)
        #expect(close(attacc.pim?.energyPerBit ?? 0, 0.55e-12, tolerance: 1e-9))
        #expect(attacc.devices.first?.kind == .gpu)
        #expect(attacc.devices.first?.processorCount == 108)
    }

    @Test func everyShippedNumberHasProvenance() throws {
        let directory = try #require(ProfileLibrary.profilesDirectory)
        for name in ProfileLibrary.shippedProfileNames() {
            let bytes = try #require(readFile(directory + "/" + name + ".xml"))
            guard case .success(let tree) = LibXML.read(bytes, file: name, limits: XMLLimits(), schema: nil) else {
                Issue.record("\(name) does not parse"); continue
            }
            let missing = unsourced(tree, inherited: false)
            #expect(missing.isEmpty, "\(name): \(missing)")
        }
    }

    /// Elements holding a number with no `source` on themselves or an ancestor.
    private func unsourced(_ node: XMLElementNode, inherited: Bool) -> [String] {
        let sourced = inherited || node.attribute("source") != nil
        var missing: [String] = []
        if let first = node.text.first, first.isNumber, !sourced { missing.append("\(node.name) line \(node.line)") }
        for child in node.children { missing += unsourced(child, inherited: sourced) }
        return missing
    }

    @Test func summaryIsDeterministic() throws {
        let directory = try #require(ProfileLibrary.profilesDirectory)
        let first = try ProfileSummary.validate(path: directory + "/nvidia-h100-sxm.xml")
        let second = try ProfileSummary.validate(path: directory + "/nvidia-h100-sxm.xml")
        #expect(first == second)
        #expect(first.contains("1.071 PFLOP/s"))
        #expect(first.contains("balance point: 319.6 FLOP/byte"))
        #expect(first.contains("\n  parameters:\n    cudnn.combine-fixed = 0 us\n    cudnn.combine-step = 0.1 us\n"))
        let h200 = try ProfileSummary.validate(path: directory + "/nvidia-h200-sxm.xml")
        #expect(h200.contains("    minimum-clock = 345 MHz") && h200.contains("    gather-overhead = 32 B"))
    }

    @Test func unknownShippedNameSuggests() {
        do {
            _ = try ProfileLibrary.load("nvidia-h100-sx")
            Issue.record("expected an error")
        } catch let error as ProfileErrors {
            #expect(error.errors[0].suggestion == "did you mean 'nvidia-h100-sxm'?")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
