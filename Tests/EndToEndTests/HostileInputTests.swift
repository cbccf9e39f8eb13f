import Foundation
import QuayClient
import QuayProtocol
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The reproductions of issue 13: each gets its clear error, and the daemon goes on serving.
@Suite struct HostileInputTests {
    /// Four bytes that aborted quayd inside toml++ (`parse_key(): Assertion … failed`).
    static let brokenTemplates = ["[=]\n", "[#]\n", "[,]\n", "[é]\n", "[\u{01}]\n", "[a.]\n", "a = [1 2]\n"]

    @Test func aBrokenLabelTemplateIsRefusedAndTheDaemonGoesOn() throws {
        let daemon = try DaemonHarness()
        let file = daemon.directory.appendingPathComponent("x.toml")
        let out = daemon.directory.appendingPathComponent("x.png")
        for text in Self.brokenTemplates {
            try text.write(to: file, atomically: true, encoding: .utf8)
            let preview = try daemon.quay(["label", "preview", "--template", file.path, "--out", out.path])
            #expect(preview.status == 1, "\(text.debugDescription): \(preview.stderr)")
            #expect(preview.stderr.contains("\(file.path):1: ") && preview.stderr.contains("[template_invalid]"), "\(preview.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
            #expect(try daemon.quay(["status"]).status == 0, "quayd stopped on \(text.debugDescription): \(daemon.log)")
        }
    }

    @Test func aBrokenConfigIsExit78AtStartAndKeptOutOnReload() throws {
        let daemon = try DaemonHarness(start: false)
        let original = try String(contentsOf: daemon.configURL, encoding: .utf8)
        for text in Self.brokenTemplates {
            try text.write(to: daemon.configURL, atomically: true, encoding: .utf8)
            let result = try runProgram(binDirectory.appendingPathComponent("quayd").path, ["--config", daemon.configURL.path])
            #expect(result.status == 78, "\(text.debugDescription): \(result.stderr)")
            #expect(result.stderr.contains("quayd.toml:1: "), "\(result.stderr)")
        }
        try original.write(to: daemon.configURL, atomically: true, encoding: .utf8)
        try daemon.launch()
        try "[=]\n".write(to: daemon.configURL, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("config reload refused"), "\(daemon.log)")
        #expect(daemon.log.contains("quayd.toml:1: expected a key"), "\(daemon.log)")
        let after = try daemon.quay(["status"])
        #expect(after.status == 0 && after.stdout.contains("Trường Thử"), "\(after.stderr)")
    }

    @Test func aBrokenFileInTheTemplatesDirectoryIsRefusedAtStartAndOnReload() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-templates-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("hong.toml")
        try "[=]\n".write(to: broken, atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(extraConfig: "[labels]\ntemplates = \"\(directory.path)\"", start: false)
        let start = try runProgram(binDirectory.appendingPathComponent("quayd").path, ["--config", daemon.configURL.path])
        #expect(start.status == 78, "\(start.stderr)")
        #expect(start.stderr.contains("hong.toml:1: expected a key"), "\(start.stderr)")
        try FileManager.default.removeItem(at: broken)
        try daemon.launch()
        try "[#]\n".write(to: broken, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("hong.toml:1: expected a key"), "\(daemon.log)")
        #expect(try daemon.quay(["label", "list"]).status == 0)
    }

    /// `Money.maxAmount`: a thousand billion đồng.
    static let maxAmount: Int64 = 1_000_000_000_000

    @Test func pricesThatWouldOverflowAreRefusedAndNothingIsFiled() throws {
        let daemon = try DaemonHarness()
        let client = try QuayConnection(path: daemon.socketPath)
        let hostile: [(copies: Int, price: Int64)] = [(2, Int64.max), (100_000, 92_233_720_368_548), (1, Self.maxAmount + 1), (1, -1)]
        for (copies, price) in hostile {
            var args = IntakeArgs(register: "STK", copies: copies, title: "X")
            args.price = price
            let reply = try object(client.callRaw(op: "intake", args: args))
            #expect(errorCode(reply) == "invalid_argument", "\(copies) × \(price): \(reply)")
        }
        // The largest price is taken, and its total over the most copies fits.
        var largest = IntakeArgs(register: "STK", copies: 3, title: "Đắt")
        largest.price = Self.maxAmount
        #expect(try object(client.callRaw(op: "intake", args: largest))["ok"] == .bool(true))
        let items = try daemon.quay(["item", "show", "STK.000001"])
        #expect(items.status == 0, "\(items.stderr)")
        #expect(!(try daemon.quay(["item", "show", "STK.000004"])).stderr.isEmpty)
        // Through the CLI, a negative price is the daemon's refusal, not the parser's "Missing value".
        let negative = try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "X", "--price", "-1000"])
        #expect(negative.status == 1 && negative.stderr.contains("[invalid_argument]"), "\(negative.stderr)")
        let huge = try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "X", "--price", "9223372036854775807"])
        #expect(huge.status == 1 && huge.stderr.contains("[invalid_argument]"), "\(huge.stderr)")
        #expect(try daemon.quay(["status"]).status == 0, "\(daemon.log)")
    }

    @Test func equipmentValuesAndReturnedAmountsThatWouldOverflowAreRefused() throws {
        let daemon = try DaemonHarness()
        let client = try QuayConnection(path: daemon.socketPath)
        let tooDear = try object(
            client.callRaw(op: "equipment.add", args: JSONValue.object(["code": "HC1", "name": "Cồn", "quantity": 10, "value": .int(Int64.max)])))
        #expect(errorCode(tooDear) == "invalid_argument", "\(tooDear)")
        let add = try object(client.callRaw(op: "equipment.add", args: JSONValue.object(["code": "HC1", "name": "Cồn", "quantity": 10])))
        #expect(add["ok"] == .bool(true), "\(add)")
        #expect(try daemon.quay(["patron", "add", "--card", "GV0001", "--name", "Cô Lan", "--kind", "teacher"]).status == 0)
        let lend = try object(
            client.callRaw(
                op: "lesson.lend", args: JSONValue.object(["teacher": "GV0001", "period": 1, "quantities": .object(["HC1": 4])])))
        #expect(lend["ok"] == .bool(true), "\(lend)")
        // consumed + lost would overflow Int: refused, and nothing returned.
        let back = try object(
            client.callRaw(
                op: "lesson.return",
                args: JSONValue.object([
                    "lesson": 1, "quantities": .array([.object(["code": "HC1", "consumed": .int(Int64.max), "lost": 1])]),
                ])))
        #expect(errorCode(back) == "invalid_argument", "\(back)")
        #expect(try daemon.quay(["status"]).status == 0, "\(daemon.log)")
    }
}
