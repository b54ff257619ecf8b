/// Where text stops being UTF-8: the line and column (1-based, columns in characters) of the
/// first byte that does not decode, for errors that point at it.
public enum UTF8Check {
    public static func firstInvalid<Bytes: Sequence>(in bytes: Bytes) -> (line: Int, column: Int)? where Bytes.Element == UInt8 {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1, column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                return nil
            case .error:
                return (line, column)
            }
        }
    }

    /// A location in `file` for the first invalid byte of `bytes` (line 1, column 1 when valid).
    public static func location<Bytes: Sequence>(of bytes: Bytes, file: String) -> SourceLocation where Bytes.Element == UInt8 {
        let position = firstInvalid(in: bytes) ?? (1, 1)
        return SourceLocation(file: file, line: position.line, column: position.column)
    }
}
