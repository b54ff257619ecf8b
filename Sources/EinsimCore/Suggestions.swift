/// "Did you mean …?" helpers shared by every parser.
public enum Suggestions {
    /// Levenshtein distance between two strings (case-insensitive).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    public static func closest<S: Sequence>(to word: String, in candidates: S) -> String? where S.Element == String {
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if let current = best, distance > current.1 || (distance == current.1 && candidate >= current.0) {
                continue
            }
            best = (candidate, distance)
        }
        guard let (name, distance) = best else { return nil }
        let limit = max(1, min(3, (word.count + 2) / 3))
        return distance <= limit ? name : nil
    }

    /// "did you mean 'x'?" or nil.
    public static func didYouMean<S: Sequence>(_ word: String, in candidates: S) -> String? where S.Element == String {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }
}
