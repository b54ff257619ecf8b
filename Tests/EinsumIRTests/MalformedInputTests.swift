import Testing
import Foundation
import EinsimCore
@testable import EinsumIR

/// A malformed `.einsum` text and the error it must give.
struct Malformed: CustomTestStringConvertible, Sendable {
    var label: String
    var text: String
    var line: Int
    var column: Int
    var message: String
    var suggestion: String? = nil
    var testDescription: String { label }
}

@Suite("Malformed inputs")
struct MalformedInputTests {
    static let cases: [Malformed] = [
        Malformed(label: "undeclared rank", text: "rank M = 8\ninput A[m]\nZ[n] = A[m]\n", line: 3, column: 3, message: "undeclared rank 'n'"),
        Malformed(label: "undeclared rank with suggestion", text: "rank M0 = 8\ninput A[m0]\nZ[m] = A[m0]\n", line: 3, column: 3, message: "undeclared rank 'm'", suggestion: "did you mean 'm0'?"),
        Malformed(label: "rank with two shapes", text: "rank M = 8\nrank M = 16\n", line: 2, column: 6, message: "two different shapes"),
        Malformed(label: "duplicate rank", text: "rank M = 8\nrank M = 8\n", line: 2, column: 6, message: "duplicate declaration of rank 'M'"),
        Malformed(label: "tensor indexed by a rank of another shape", text: "rank M = 8\nrank N = 4\ninput A[m]\nZ[n] = A[n]\n", line: 4, column: 10, message: "rank used with two different shapes"),
        Malformed(label: "tensor indexed with too many ranks", text: "rank M = 8\ninput A[m]\nrank N = 4\nZ[m,n] = A[m,n]\n", line: 4, column: 10, message: "is indexed with 2"),
        Malformed(label: "output rank missing on the right", text: "rank M = 8\nrank N = 4\ninput A[m]\nZ[m,n] = A[m]\n", line: 4, column: 5, message: "output rank 'n'"),
        Malformed(label: "unknown operator", text: "rank M = 8\ninput A[m]\nZ[m] = expp(A[m])\n", line: 3, column: 8, message: "unknown operator 'expp'", suggestion: "did you mean 'exp'?"),
        Malformed(label: "unknown reduction operator", text: "rank M = 8\nrank P = 4\ninput A[m,p]\nG[p] = A[m,p] :: reduce m maxx\n", line: 4, column: 27, message: "unknown reduction operator 'maxx'", suggestion: "did you mean 'max'?"),
        Malformed(label: "reducing a kept rank", text: "rank M = 8\nrank P = 4\ninput A[m,p]\nG[p] = A[m,p] :: reduce p max\n", line: 4, column: 25, message: "rank 'p' is not reduced"),
        Malformed(label: "iterative rank without stop condition", text: "rank M = 8\ninput A[m]\nR[m+1] = A[m]\n", line: 3, column: 3, message: "has no stop condition"),
        Malformed(label: "final position of a non-iterative rank", text: "rank M = 8\ninput A[m]\nZ[] = A[M]\n", line: 3, column: 9, message: "needs an iterative rank"),
        Malformed(label: "unknown tensor", text: "rank M = 8\ninput A[m]\nZ[m] = B[m]\n", line: 3, column: 8, message: "unknown tensor 'B'", suggestion: "did you mean 'A'?"),
        Malformed(label: "duplicate tensor", text: "rank M = 8\ninput A[m]\ninput A[m]\n", line: 3, column: 7, message: "duplicate declaration of tensor 'A'"),
        Malformed(label: "bad number", text: "rank M = 8x\n", line: 1, column: 10, message: "bad number '8x'"),
        Malformed(label: "number too large for Int", text: "rank M = 99999999999999999999999\n", line: 1, column: 10, message: "too large"),
        Malformed(label: "rank size above 2^53", text: "rank M = 9007199254740993\n", line: 1, column: 10, message: "too large"),
        Malformed(label: "huge constant", text: "rank M = 8\ninput A[m]\nZ[m] = A[m] * 1e999\n", line: 3, column: 15, message: "too large"),
        Malformed(label: "unterminated expression", text: "rank M = 8\ninput A[m]\nZ[m] = A[m] +\n", line: 3, column: 14, message: "expected an operand"),
        Malformed(label: "unterminated tensor access", text: "rank M = 8\ninput A[m]\nZ[m] = A[m\n", line: 3, column: 11, message: "expected ',' or ']'"),
        Malformed(label: "unterminated call", text: "rank M = 8\ninput A[m]\nZ[m] = exp(A[m]\n", line: 3, column: 16, message: "expected ',' or ')'"),
        Malformed(label: "unterminated comment", text: "/* hello\nrank M = 8\n", line: 1, column: 1, message: "unterminated comment"),
        Malformed(label: "paper symbol", text: "rank M = 8\ninput A[m]\ninput B[m]\nZ[m] = A[m] × B[m]\n", line: 4, column: 13, message: "unexpected character '×'", suggestion: "write '*' instead of '×'"),
        Malformed(label: "empty cascade", text: "rank M = 8\n", line: 1, column: 1, message: "no Einsums"),
        Malformed(label: "density above 1", text: "rank M = 8\ninput A[m]\n@density(m) = 1.5\nZ[m] = A[m]\n", line: 3, column: 15, message: "density must be in (0, 1]"),
        Malformed(label: "density over a rank outside the iteration space", text: "rank M = 8\nrank N = 4\ninput A[m]\n@density(n) = 0.5\nZ[m] = A[m]\n", line: 4, column: 10, message: "not in the iteration space"),
        Malformed(label: "unknown precision", text: "rank M = 8\ninput A[m] : fp17\n", line: 2, column: 14, message: "unknown precision 'fp17'"),
        Malformed(label: "assigning an input", text: "rank M = 8\ninput A[m]\nA[m] = A[m] * 2\n", line: 3, column: 1, message: "input tensor 'A' cannot be assigned"),
        Malformed(label: "read before produced", text: "rank M = 8\ninput A[m]\nZ[m] = T[m]\nT[m] = A[m]\n", line: 3, column: 8, message: "read before any Einsum produces it"),
        Malformed(label: "misspelled keyword", text: "rnak M = 8\n", line: 1, column: 6, message: "expected '[' or '=' after 'rnak'", suggestion: "did you mean 'rank'?"),
        Malformed(label: "lower-case rank declaration", text: "rank m = 8\n", line: 1, column: 6, message: "upper case"),
        Malformed(label: "partition by an undeclared tile", text: "rank M = 8\nrank M1 = M / M0\n", line: 2, column: 15, message: "undeclared rank 'M0'"),
        Malformed(label: "stop condition with another bound", text: "rank M = 8\nrank N = 8\nstop: m >= N\n", line: 3, column: 12, message: "must compare it with its own shape"),
        Malformed(label: "unknown cost class", text: "operator foo : vector-addd\n", line: 1, column: 16, message: "unknown cost class", suggestion: "did you mean 'vector-add'?"),
        Malformed(label: "output never produced", text: "rank M = 8\ninput A[m]\noutput Z[m]\nY[m] = A[m]\n", line: 3, column: 8, message: "output 'Z' is never produced"),
        Malformed(label: "lone '>'", text: "rank M = 8\nstop: m > M\n", line: 2, column: 9, message: "unexpected '>'"),
        Malformed(label: "bad split index", text: "rank M = 8\nrank M0 = 2\nrank M1 = M / M0\nrank N0 = 2\ninput A[m]\nB[m1,m0] = A[m1*N0+m0]\n", line: 6, column: 14, message: "does not match a partition"),
        Malformed(label: "max with one operand", text: "rank M = 8\ninput A[m]\nZ[m] = max(A[m])\n", line: 3, column: 8, message: "at least two operands"),
        Malformed(label: "two statements on a line", text: "rank M = 8 rank N = 4\n", line: 1, column: 12, message: "expected the end of the line"),
        Malformed(label: "annotation without Einsum", text: "rank M = 8\n@density(m) = 0.5\n", line: 2, column: 1, message: "expected an Einsum after the sparsity annotation"),
    ]

    @Test("each malformed input gives its message at its line:column", arguments: cases)
    func malformed(_ c: Malformed) {
        do {
            _ = try CascadeParser.parse(c.text, file: "bad.einsum")
            Issue.record("\(c.label): parsed without error")
        } catch let error as CascadeError {
            #expect(error.location?.file == "bad.einsum", "\(c.label)")
            #expect(error.location?.line == c.line, "\(c.label): \(error.rendered)")
            #expect(error.location?.column == c.column, "\(c.label): \(error.rendered)")
            #expect(error.message.contains(c.message), "\(c.label): \(error.rendered)")
            if let s = c.suggestion { #expect(error.suggestion == s, "\(c.label): \(error.rendered)") }
            #expect(error.rendered.hasPrefix("bad.einsum:\(c.line):\(c.column): error: "))
        } catch {
            Issue.record("\(c.label): not a CascadeError: \(error)")
        }
    }

    @Test("deeply nested or very long expressions are errors, not stack overflows")
    func deepExpressions() {
        let nested = "rank M = 8\ninput A[m]\nZ[m] = " + String(repeating: "(", count: 100_000) + "A[m]\n"
        #expect(throws: CascadeError.self) { try CascadeParser.parse(nested, file: "deep.einsum") }
        let long = "rank M = 8\ninput A[m]\nZ[m] = A[m]" + String(repeating: " + A[m]", count: 100_000) + "\n"
        #expect(throws: CascadeError.self) { try CascadeParser.parse(long, file: "long.einsum") }
        let minus = "rank M = 8\ninput A[m]\nZ[m] = " + String(repeating: "-", count: 100_000) + "A[m]\n"
        #expect(throws: CascadeError.self) { try CascadeParser.parse(minus, file: "minus.einsum") }
    }

    @Test("at least 20 malformed inputs are covered")
    func enough() { #expect(Self.cases.count >= 20) }

    @Test("missing, directory and oversized files are input errors")
    func files() throws {
        #expect(throws: CascadeError.self) { try CascadeParser.parse(contentsOf: "/nonexistent/x.einsum") }
        #expect(throws: CascadeError.self) { try CascadeParser.parse(contentsOf: Fixtures.cascadesDirectory.path) }
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("einsim-ir-big-\(UInt32.random(in: 0...UInt32.max)).einsum")
        let data = Data(repeating: UInt8(ascii: "#"), count: CascadeParser.maximumFileSize + 1)
        try data.write(to: big)
        defer { try? FileManager.default.removeItem(at: big) }
        do {
            _ = try CascadeParser.parse(contentsOf: big.path)
            Issue.record("oversized file parsed")
        } catch let error as CascadeError {
            #expect(error.message.contains("16 MiB"))
        }
    }

    @Test("random garbage never crashes", arguments: 0..<4)
    func garbage(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &+ 0x9E37_79B9_7F4A_7C15)
        let alphabet = Array("rank M=8\ninput A[m] Z[m]=A[m]*+-/()[],:@>^e1.5 exp max inf\n#×")
        for _ in 0..<200 {
            let length = Int(generator.next() % 60)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = try? CascadeParser.parse(text, file: "fuzz.einsum")
            _ = try? CascadeParser.parse("rank M = 8\ninput A[m]\n" + text, file: "fuzz.einsum")
        }
    }
}

