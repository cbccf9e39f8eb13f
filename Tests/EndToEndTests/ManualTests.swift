import Foundation
import QuayTestSupport
import Testing

/// The man pages in `man/` (installed by `make deb`) and the README against the binaries and
/// the tree: every subcommand, flag and exit status is in its page, the pages render without a
/// warning, and the README points only at files in the repository.
@Suite struct ManualTests {
    func page(_ name: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("man/\(name)"), encoding: .utf8)
    }

    /// Roff writes a hyphen in a name as `\-`.
    func roff(_ text: String) -> String { text.replacingOccurrences(of: "-", with: "\\-") }

    @Test func quay1NamesEverySubcommandAndExitStatus() throws {
        let help = try runProgram(binDirectory.appendingPathComponent("quay").path, ["--help"]).stdout
        // The SUBCOMMANDS section runs to its first blank line ("See 'quay help …'" follows it).
        let section = help.components(separatedBy: "SUBCOMMANDS:\n").last!.components(separatedBy: "\n\n").first!
        let commands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { return nil }
            return String(name)
        }
        #expect(commands.count >= 27, "\(commands)")
        let manual = try page("quay.1")
        for command in commands {
            let entry = roff(command)
            #expect(manual.contains(".B \(entry)\n") || manual.contains(".BI \"\(entry) "), "quay(1) has no entry for \(command)")
        }
        for status in ["0", "1", "2", "3"] { #expect(manual.contains(".TP\n.B \(status)\n"), "exit status \(status)") }
    }

    @Test func quayd8NamesEveryFlagAndExitStatus() throws {
        let help = try runProgram(binDirectory.appendingPathComponent("quayd").path, ["--help"]).stdout
        let flags = help.split(separator: "\n").compactMap { line -> String? in
            guard let flag = line.split(separator: " ").first(where: { $0.hasPrefix("--") }) else { return nil }
            return String(flag)
        }
        #expect(flags.contains("--restore") && flags.contains("--config"), "\(flags)")
        let manual = try page("quayd.8")
        for flag in flags { #expect(manual.contains(roff(flag)), "quayd(8) has no \(flag)") }
        // DaemonExit: every status quayd exits with.
        for status in ["0", "1", "65", "74", "75", "78"] { #expect(manual.contains(".TP\n.B \(status)\n"), "exit status \(status)") }
    }

    @Test(arguments: ["quayd.8", "quay.1"])
    func thePageRendersWithoutAWarning(name: String) throws {
        let path = packageRoot.appendingPathComponent("man/\(name)").path
        let rendered = try runProgram("/usr/bin/man", ["--warnings", "-l", path], environment: ["PATH": "/usr/bin:/bin", "MANWIDTH": "80", "LANG": "C.UTF-8"])
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered.stderr)")
        #expect(rendered.stdout.contains("Quầy"), "diacritics survive: \(rendered.stdout.prefix(200))")
    }

    @Test func theReadmePointsOnlyAtFilesInTheRepository() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var targets: [String] = []
        var rest = readme[...]
        while let open = rest.range(of: "](") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: ")") else { break }
            targets.append(String(rest[..<close]))
        }
        #expect(!targets.isEmpty)
        for target in targets where !target.hasPrefix("http") {
            let file = String(target.split(separator: "#").first ?? "")
            #expect(!file.hasPrefix("..") && !file.hasPrefix("/"), "README points outside the repository: \(target)")
            #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(file).path), "README points at a missing file: \(target)")
        }
    }
}
