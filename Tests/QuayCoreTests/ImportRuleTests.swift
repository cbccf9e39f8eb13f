import Foundation
import Testing

/// The import rule of docs/architecture.md, checked on the sources: imports only point
/// downwards, and every module a target imports is one Package.swift declares for it.
@Suite struct ImportRuleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The package's own modules each target may import (the diagram in docs/architecture.md).
    static let allowed: [String: Set<String>] = [
        "QuayCore": [],
        "QuayCodecs": ["CZlib"],
        "QuayProtocol": ["QuayCore"],
        "QuayLabels": ["QuayCore", "CZint", "CFreeType", "CZlib"],
        "QuayClient": ["QuayProtocol", "QuayCore", "QuayCodecs", "CQuayShims"],
        "QuayStore": ["QuayCore"],
        "QuayReports": ["QuayCore", "QuayLabels", "CXlsxWriter"],
        "QuayDevices": ["QuayCodecs", "CQuayShims", "CUSB", "CUdev"],
        // The web console sees the wire and the domain views, never the store or the devices.
        "QuayWeb": ["QuayCore", "QuayProtocol"],
        "QuayDaemon": [
            "QuayCore", "QuayCodecs", "QuayProtocol", "QuayStore", "QuayLabels", "QuayReports", "QuayDevices", "QuayWeb", "CQuayShims", "CSodium",
        ],
        "quayd": ["QuayDaemon", "QuayProtocol"],
        // The CLI: the wire types, the client, and the domain views the wire types are made of.
        "quay": ["QuayProtocol", "QuayClient", "QuayCore"],
    ]

    static var ownModules: Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources").path)) ?? []
        return Set(names)
    }

    /// The package modules imported by the Swift files of `target`.
    static func imports(of target: String) throws -> Set<String> {
        let directory = root.appendingPathComponent("Sources/\(target)")
        guard let files = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var found: Set<String> = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                // `import X`, `@testable import X`, `public import X`
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
                guard words[..<index].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "internal" }) else { continue }
                let module = String(words[index + 1])
                if ownModules.contains(module) { found.insert(module) }
            }
        }
        return found
    }

    /// The package's own modules in a target's `dependencies:` in Package.swift.
    static func declared(for target: String) throws -> Set<String> {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        guard let targets = manifest.range(of: "\n    targets: ["),
            let name = manifest[targets.upperBound...].range(of: "name: \"\(target)\"")
        else { return [] }
        let rest = manifest[name.upperBound...]
        // The target's own declaration ends at the next `.target(`, `.executableTarget(`… of the list.
        let end = rest.range(of: "\n        .")?.lowerBound ?? rest.endIndex
        let declaration = rest[..<end]
        var found: Set<String> = []
        for module in ownModules where declaration.contains("\"\(module)\"") { found.insert(module) }
        return found
    }

    @Test(arguments: Array(allowed.keys).sorted())
    func importsPointDownwardsAndAreDeclared(target: String) throws {
        let imported = try Self.imports(of: target)
        let allowed = Self.allowed[target] ?? []
        #expect(imported.subtracting(allowed).isEmpty, "\(target) imports \(imported.subtracting(allowed).sorted()), against the rule")
        let declared = try Self.declared(for: target)
        #expect(imported.subtracting(declared).isEmpty, "\(target) imports \(imported.subtracting(declared).sorted()) undeclared in Package.swift")
    }

    @Test func everyTargetIsUnderTheRule() {
        let swiftTargets = Self.ownModules.filter { !$0.hasPrefix("C") && !$0.hasPrefix("quay-") }
        #expect(swiftTargets.subtracting(Self.allowed.keys).isEmpty, "\(swiftTargets.subtracting(Self.allowed.keys).sorted())")
    }
}
