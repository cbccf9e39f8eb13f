import Foundation

/// Finds the line of `key` in `[section]` in the file's text. TOMLKit gives positions only
/// for syntax errors; for a wrong value we look the key up ourselves, in the plain
/// `[section]` / `key = value` layout that our config uses.
public struct SourceLocator {
    public let lines: [Substring]

    public init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The line of `key` in the `index`-th `[[name]]` table (or of its header).
    public func line(arrayTable name: String, index: Int, key: String) -> Int? {
        var seen = -1
        var header: Int? = nil
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                if header != nil { break }
                if line.replacingOccurrences(of: " ", with: "") == "[[\(name)]]" {
                    seen += 1
                    if seen == index { header = number + 1 }
                }
                continue
            }
            guard header != nil, let equals = line.firstIndex(of: "=") else { continue }
            if line[..<equals].trimmingCharacters(in: .whitespaces) == key { return number + 1 }
        }
        return header
    }

    public func line(section: String?, key: String) -> Int? {
        var current: String? = nil
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                if section == nil && name == key { return index + 1 }
                current = name
                continue
            }
            guard current == section, let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if name == key { return index + 1 }
        }
        return nil
    }
}
