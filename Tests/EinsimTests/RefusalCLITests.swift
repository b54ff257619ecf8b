import EinsimCLI
import Foundation
import Testing

/// `einsim map` with a user cascade, and the refusals (exit status 2, located) for presets a
/// machine cannot run and for profiles the GPU engine cannot use.
@Suite(.serialized) struct RefusalCLITests {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let shape = ["--batch", "1", "--heads", "32", "--q-len", "4096", "--head-dim", "128"]

    /// Runs the CLI in-process, keeping standard output and standard error.
    static func run(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        EinsimCommand.capture(arguments: arguments)
    }

    /// Writes `text` to a fresh file in the temporary directory and returns its path.
    static func temporaryProfile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("einsim-refusal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func h100Profile() throws -> String {
        try String(contentsOfFile: repositoryRoot + "/HardwareProfiles/nvidia-h100-sxm.xml", encoding: .utf8)
    }

    // MARK: 4. map with a user cascade

    @Test func mapListsTheSigmoidCascadesOwnEinsums() {
        let path = Self.repositoryRoot + "/Examples/cascades/checks/sigmoid-attention.einsum"
        let (status, out, err) = Self.run(["map", "--algorithm", path, "--heads", "32", "--q-len", "8192",
                                           "--head-dim", "128", "--kernel", "fa2"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("sigmoid-attention"))
        for tensor in ["SC[", "SNEG[", "SDEN[", "SSIG[", "AV["] {
            #expect(out.contains(tensor), "map output lacks \(tensor)")
        }
        for softmax in ["LM[", "RM[", "RD["] {
            #expect(!out.contains(softmax), "map output shows the softmax cascade's \(softmax)")
        }
    }

    @Test(arguments: ["attention-1pass-bias", "attention-1pass-no-pv", "attention-1pass-extra-exp", "sigmoid-attention"])
    func checkCascadesAreValidOnePassCascades(name: String) {
        let path = Self.repositoryRoot + "/Examples/cascades/checks/\(name).einsum"
        let (s1, o1, e1) = Self.run(["validate", path])
        #expect(s1 == 0 && o1.contains("valid cascade '\(name)'"), "\(o1)\(e1)")
        let (s2, o2, e2) = Self.run(["passes", path])
        #expect(s2 == 0 && o2.contains("1 pass over m"), "\(o2)\(e2)")
    }

    // MARK: 5. Refusals

    @Test func fa3OnA100IsRefusedNamingWgmma() {
        let (status, out, err) = Self.run(["simulate", "--hardware", "nvidia-a100-sxm", "--kernel", "fa3"] + Self.shape)
        let message = out + err
        #expect(status == 2, "\(message)")
        #expect(message.contains("wgmma"), "\(message)")
        #expect(message.contains("nvidia-a100-sxm"), "\(message)")
        // Suggests a kernel the A100 can run.
        #expect(message.contains("--kernel fa2"), "\(message)")
    }

    @Test func profileWithoutProcessorsIsRefusedNamingTheFile() throws {
        let text = try Self.h100Profile()
        let stripped = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("<processors") }.joined(separator: "\n")
        #expect(stripped != text)
        let path = try Self.temporaryProfile("h100-no-processors.xml", stripped)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let (status, out, err) = Self.run(["simulate", "--hardware", path, "--kernel", "fa2"] + Self.shape)
        let message = out + err
        #expect(status == 2, "\(message)")
        #expect(message.contains("processors"), "\(message)")
        #expect(message.contains(path), "\(message)")
    }

    @Test func fa3WithOneKiBSharedMemoryIsRefused() throws {
        let text = try Self.h100Profile()
        let small = text.replacingOccurrences(of: "228 KiB</capacity>", with: "1 KiB</capacity>")
        #expect(small != text)
        let path = try Self.temporaryProfile("h100-1kib-smem.xml", small)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let (status, out, err) = Self.run(["simulate", "--hardware", path, "--kernel", "fa3"] + Self.shape)
        let message = out + err
        #expect(status == 2, "\(message)")
        #expect(message.contains("shared memory"), "\(message)")
        #expect(message.contains("--kernel fa3") || message.contains("'fa3'"), "\(message)")
        #expect(message.contains(path), "\(message)")
    }
}
