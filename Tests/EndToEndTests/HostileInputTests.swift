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
            if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
                // Refused at the door, before the template is read.
                #expect(preview.stderr.contains("control characters (U+0001 in \"template\") [invalid_argument]"), "\(preview.stderr)")
            } else {
                #expect(preview.stderr.contains("\(file.path):1: ") && preview.stderr.contains("[template_invalid]"), "\(preview.stderr)")
            }
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

/// Defects 3 to 7 of issue 13, through the real binaries.
@Suite struct HostileRequestTests {
    @Test func controlCharactersAreRefusedAndNothingIsWritten() throws {
        let daemon = try DaemonHarness()
        let client = try QuayConnection(path: daemon.socketPath)
        let cases: [(String, JSONValue)] = [
            ("intake", .object(["register": "STK", "copies": 1, "title": "\u{0}X"])),
            ("intake", .object(["register": "STK", "copies": 1, "title": "a\u{1}\u{1B}[31mred\u{7}"])),
            ("intake", .object(["register": "STK", "copies": 1, "title": "X", "location": "KE\u{0}A"])),
            ("intake", .object(["register": "STK", "copies": 1, "title": "hai\ndòng"])),
            ("patron.add", .object(["card": "HS5\u{0}X", "name": "A\u{0}B"])),
            ("patron.add", .object(["card": "\u{0}HS5", "name": "A"])),
            ("class.add", .object(["name": "\u{0}6A"])),
            ("equipment.add", .object(["code": "\u{0}K", "name": "Kính", "quantity": 1])),
            ("patron.import", .object(["csv": "card,name\nHS000001,An\u{0}\n"])),
        ]
        for (op, args) in cases {
            let reply = try object(client.callRaw(op: op, args: args))
            #expect(errorCode(reply) == "invalid_argument", "\(op) \(args): \(reply)")
            #expect(reply["error"]?.objectValue?["message"]?.stringValue?.contains("control characters") == true, "\(reply)")
        }
        let status = try daemon.quay(["status", "--json"])
        #expect(status.stdout.contains(#""item":0"#) && status.stdout.contains(#""patron":0"#) && status.stdout.contains(#""class":0"#), "\(status.stdout)")
        #expect(try daemon.quay(["patron", "show", "HS5"]).status == 1)
        // A multi-line field still takes its line breaks.
        let imported = try object(
            client.callRaw(op: "patron.import", args: JSONValue.object(["csv": "card,name,class\r\nHS000001,Lê Ư,6A\r\n"])))
        #expect(imported["ok"] == .bool(true), "\(imported)")
        // Rows that break the register's rules are refused in words a person can act on.
        let long = String(repeating: "9", count: 65)
        let broken = try object(
            client.callRaw(
                op: "patron.import",
                args: JSONValue.object(["csv": .string("card,name,class\nHS000002,An,LOPRATDAIQUA16KYTU\n\(long),Bình,6A\n")])))
        let text = "\(broken)"
        #expect(text.contains("class must be one word such as 6A") && text.contains("card must be one word of at most 64 characters"), "\(text)")
        #expect(!text.contains("CHECK"), "\(text)")
    }

    @Test func storedControlCharactersReachTheTerminalAsPictures() throws {
        let daemon = try DaemonHarness()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Sạch"]).status == 0)
        let cli = try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "a\u{1}\u{1B}[31mred\u{7}"])
        #expect(cli.status == 1 && cli.stderr.contains("[invalid_argument]"), "\(cli.stderr)")
        // Text stored before such text was refused (here written straight into the file).
        let database = daemon.directory.appendingPathComponent("quay.sqlite").path
        let update = try runProgram("/usr/bin/sqlite3", [database, "UPDATE record SET title = 'a' || char(27) || '[31mred' || char(7, 13);"])
        #expect(update.status == 0, "\(update.stderr)")
        let shown = try daemon.quay(["item", "show", "STK.000001"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(!shown.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(shown.stdout.debugDescription)")
        #expect(shown.stdout.contains("a␛[31mred␇␍"), "\(shown.stdout)")
        // --json prints the reply as it came: escaped, so no control byte either.
        let json = try daemon.quay(["item", "show", "STK.000001", "--json"])
        #expect(json.stdout.contains(#"a\u001b[31mred\u0007\r"#), "\(json.stdout)")
    }

    @Test func aLongRequestOutlivesTheIdleTimeout() throws {
        let daemon = try DaemonHarness(socketSection: "idle_timeout_seconds = 1")
        let client = try QuayConnection(path: daemon.socketPath)
        let started = Date()
        let reply = try object(
            client.callRaw(op: "intake", args: JSONValue.object(["register": "STK", "copies": 100_000, "title": "Nhiều"])))
        let took = Date().timeIntervalSince(started)
        #expect(reply["ok"] == .bool(true), "\(reply)")
        #expect(took > 1, "the intake took \(took) s: too quick to show anything")
        // Idle from the reply on, the connection goes after the timeout.
        let before = Date()
        #expect(try client.readLine() == nil)
        let idle = Date().timeIntervalSince(before)
        #expect(idle > 0.5 && idle < 3, "closed \(idle) s after the reply")
    }

    @Test func watchersCannotLockOutAnAdmin() throws {
        // 8 places, 1 kept for root and admins; desk users are group 100 (users).
        let daemon = try DaemonHarness(
            extraConfig: "[access]\ndesk_group = \"users\"\n", socketSection: "max_connections = 8\nmode = \"0666\"")
        let quay = binDirectory.appendingPathComponent("quay").path
        let asDeskUser = ["--reuid=65534", "--regid=65534", "--groups=100", quay, "--socket", daemon.socketPath]
        var watchers: [ChildProcess] = []
        defer { for watcher in watchers { watcher.signal(SIGTERM) } }
        for index in 0..<7 {
            let log = daemon.directory.appendingPathComponent("watch-\(index).log").path
            watchers.append(try ChildProcess("/usr/bin/setpriv", asDeskUser + ["watch"], environment: [:], stdout: log, stderr: log))
        }
        // Wait until the seven are in (a status call meanwhile would take a desk place from them,
        // so the count is read once, after they have had time to connect).
        usleep(1_500_000)
        let running = watchers.filter { $0.isRunning }.count
        #expect(running == 7, "a watcher was refused")
        let status = try daemon.quay(["status", "--json"])
        let connections = status.stdout.range(of: #""connections":"#).flatMap { Int(status.stdout[$0.upperBound...].prefix { $0.isNumber }) }
        #expect(connections == 8, "\(String(describing: connections)) connections")
        let desk = try runProgram("/usr/bin/setpriv", asDeskUser + ["status"])
        #expect(desk.status == 1 && desk.stderr.contains("[too_many_connections]"), "\(desk.stderr)")
        let root = try daemon.quay(["status"])
        #expect(root.status == 0, "\(root.stderr)")
    }

    @Test func quayExitsThreeWhenQuaydDiesMidRequest() throws {
        let daemon = try DaemonHarness()
        let log = daemon.directory.appendingPathComponent("quay.log").path
        let quay = try ChildProcess(
            binDirectory.appendingPathComponent("quay").path,
            ["--socket", daemon.socketPath, "--lang", "en", "intake", "--register", "STK", "--copies", "100000", "--title", "X"],
            environment: [:], stdout: log, stderr: log)
        usleep(400_000)
        daemon.signal(SIGKILL)
        #expect(quay.wait(timeout: 20) == 3)
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(said.contains("quayd closed the connection"), "\(said)")
    }

    @Test func reloadsKeepTheFlagsAndRefuseAnEmptyFile() throws {
        let daemon = try DaemonHarness(start: false)
        let database = daemon.directory.appendingPathComponent("flag.sqlite").path
        try daemon.launch(arguments: ["--config", daemon.configURL.path, "--database", database, "--socket", daemon.socketPath])
        try daemon.waitUntilServing()
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("config reloaded"), "\(daemon.log)")
        #expect(!daemon.log.contains("take effect after a restart"), "the flags' paths are no change: \(daemon.log)")
        try "".write(to: daemon.configURL, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("the file is empty"), "\(daemon.log)")
        let status = try daemon.quay(["status", "--json"])
        #expect(status.stdout.contains("Trường Thử") && status.stdout.contains("\"reloads\":1"), "\(status.stdout)")
    }

    @Test func statusSaysNullForAConfigItDoesNotHave() throws {
        let daemon = try DaemonHarness(start: false)
        try daemon.launch(arguments: [
            "--database", daemon.directory.appendingPathComponent("q.sqlite").path, "--socket", daemon.socketPath,
        ])
        try daemon.waitUntilServing()
        let status = try daemon.quay(["status", "--json"])
        #expect(status.stdout.contains(#""config":{"loaded_at":"#) && status.stdout.contains(#""path":null"#), "\(status.stdout)")
    }

    @Test func argsMustBeAnObjectEvenForOpsWithoutArguments() throws {
        let daemon = try DaemonHarness()
        let client = try QuayConnection(path: daemon.socketPath)
        for op in ["ping", "status", "register.list", "scanner.list", "printer.list", "inventory.close"] {
            for args in ["5", "\"x\"", "[1]", "true"] {
                try client.send(Array(#"{"v":1,"id":"a","op":"\#(op)","args":\#(args)}"#.utf8) + [0x0A])
                let reply = try object(client.readLine())
                #expect(errorCode(reply) == "bad_request" && reply["id"] == "a", "\(op) \(args): \(reply)")
            }
            try client.send(Array(#"{"v":1,"id":"b","op":"\#(op)","args":{}}"#.utf8) + [0x0A])
            let empty = try object(client.readLine())
            #expect(errorCode(empty) != "bad_request", "\(op) {}: \(empty)")
        }
    }
}
