import Foundation
import QuayTestSupport
import QuayClient
import QuayProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Bad input over the real socket (SPEC §13): each gets its error or a clean close, and the
/// daemon keeps answering everyone else.
@Suite struct ProtocolTests {
    @Test func badLinesGetTheirErrorsAndTheConnectionGoesOn() throws {
        let daemon = try DaemonHarness()
        let connection = try QuayConnection(path: daemon.socketPath)
        try connection.send(Array("this is not json\n".utf8))
        #expect(errorCode(try object(connection.readLine())) == "bad_request")
        try connection.send(Array(#"{"v":1,"op":"ping"}"#.utf8) + [10])
        let noID = try object(connection.readLine())
        #expect(errorCode(noID) == "bad_request")
        #expect(noID["id"] == .null)
        try connection.send(Array(#"{"v":1,"id":9,"op":"shelf.teleport"}"#.utf8) + [10])
        let unknown = try object(connection.readLine())
        #expect(errorCode(unknown) == "unknown_op")
        #expect(unknown["id"] == 9)
        // 2 MiB in one line: refused once, then the same connection is served again.
        try connection.send([UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20) + [10])
        #expect(errorCode(try object(connection.readLine())) == "frame_too_large")
        try connection.send(Array(#"{"v":1,"id":10,"op":"ping"}"#.utf8) + [10])
        #expect(try object(connection.readLine())["ok"] == true)
    }

    @Test func pipelinedRepliesComeInRequestOrder() throws {
        let daemon = try DaemonHarness()
        let connection = try QuayConnection(path: daemon.socketPath)
        var batch: [UInt8] = []
        for id in 0..<200 {
            let op = id % 3 == 0 ? "status" : "ping"
            batch += Array(#"{"v":1,"id":\#(id),"op":"\#(op)"}"#.utf8) + [10]
        }
        try connection.send(batch)
        for id in 0..<200 {
            let reply = try object(connection.readLine())
            #expect(reply["id"] == .int(Int64(id)))
            #expect(reply["ok"] == true)
        }
    }

    @Test func aFailingConnectionNeverTouchesAnother() throws {
        let daemon = try DaemonHarness()
        let steady = try QuayConnection(path: daemon.socketPath)
        for round in 0..<20 {
            // A client that sends garbage and hangs up mid-line.
            let rude = try QuayConnection(path: daemon.socketPath)
            try rude.send(Array("{\"v\":1,\"id\":1,\"op\":\"pi".utf8))
            _ = rude  // dropped here: closed without a newline
            let reply = try object(steady.callRaw(op: "ping", args: Optional<Int>.none))
            #expect(reply["ok"] == true, "round \(round)")
        }
    }

    @Test func threeHundredIdleConnectionsDoNotLockOthersOut() throws {
        let daemon = try DaemonHarness()
        var idle: [QuayConnection] = []
        for _ in 0..<300 {
            idle.append(try QuayConnection(path: daemon.socketPath))
        }
        // The 50 newest connections were never evicted: each is still served.
        var served = 0
        for connection in idle.suffix(50) {
            if let line = try? connection.callRaw(op: "ping", args: Optional<Int>.none),
                (try? object(line))?["ok"] == true
            {
                served += 1
            }
        }
        #expect(served == 50)
        // A new client still gets in, and the daemon's memory stays bounded.
        let status = try daemon.quay(["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"max_connections\":256"))
        let resident = try #require(daemon.residentKiB)
        let bound = DaemonHarness.memoryBound(kib: 128 * 1024)
        #expect(resident < bound, "quayd holds \(resident) KiB with 300 clients (bound \(bound) KiB)")
        // The oldest idle connections were the ones let go: they read a clean end of stream.
        #expect(try idle[0].readLine() == nil)
    }

    @Test func aPeerOutsideTheGroupsIsRefused() throws {
        let daemon = try DaemonHarness(
            extraConfig: "[access]\ndesk_group = \"users\"\nadmin_group = \"quay-admin-test-none\"\n",
            socketSection: "mode = \"0666\"")
        let quay = binDirectory.appendingPathComponent("quay").path
        // nobody, with no supplementary group: refused by the daemon, exit 1.
        let stranger = try runProgram(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", quay, "--socket", daemon.socketPath, "--lang", "en", "status"])
        #expect(stranger.status == 1, "\(stranger.stderr)")
        #expect(stranger.stderr.contains("[permission_denied]"))
        // The groups named are the configured ones, not the defaults.
        #expect(stranger.stderr.contains("the user must be in group users or quay-admin-test-none"), "\(stranger.stderr)")
        let strangerJSON = try runProgram(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", quay, "--socket", daemon.socketPath, "ping", "--json"])
        #expect(strangerJSON.stdout.contains("\"code\":\"permission_denied\""))
        // The same user in the desk group is let in.
        let deskUser = try runProgram(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--groups=100", quay, "--socket", daemon.socketPath, "status"])
        #expect(deskUser.status == 0, "\(deskUser.stderr)")
        #expect(daemon.log.contains("request refused"))
    }
}

/// The CLI's exit codes and messages.
@Suite struct CLITests {
    let quay = binDirectory.appendingPathComponent("quay").path

    @Test func anUnreachableDaemonSaysHowToStartIt() throws {
        let result = try runProgram(quay, ["--socket", "/nonexistent/quay.sock", "status", "--lang", "vi"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("không kết nối được tới quayd tại /nonexistent/quay.sock"))
        #expect(result.stderr.contains("make run"))
        let english = try runProgram(quay, ["status", "--socket", "/nonexistent/quay.sock", "--lang", "en"])
        #expect(english.stderr.contains("cannot reach quayd"))
        #expect(english.stderr.contains("systemctl start quayd"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try runProgram(quay, ["status", "--lang", "fr"]).status == 2)
        #expect(try runProgram(quay, ["frobnicate"]).status == 2)
        #expect(try runProgram(quay, ["status", "--no-such-flag"]).status == 2)
        let help = try runProgram(quay, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit codes: 0 ok, 1 refused by quayd, 2 usage error, 3 quayd unreachable."))
        // Each subcommand is listed once (a merge had listed five of them twice).
        let names = help.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.count == Set(names).count, "\(names)")
        #expect(names.contains("watch") && names.contains("inventory"))
    }

    /// The whole `quay --help` and one subcommand's help, pinned: a change to what staff read is
    /// a change to these files (QUAY_RECORD_HELP=1 writes them anew, for review in the diff).
    @Test(arguments: [(["--help"], "quay.txt"), (["checkout", "--help"], "quay-checkout.txt")])
    func theHelpIsPinned(arguments: [String], file: String) throws {
        let pinned = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help/\(file)")
        // Not a terminal, so 80 columns whatever the runner's window.
        let help = try runProgram(quay, arguments, environment: ["COLUMNS": "80", "LANG": "C"])
        #expect(help.status == 0)
        if ProcessInfo.processInfo.environment["QUAY_RECORD_HELP"] == "1" {
            try help.stdout.write(to: pinned, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: pinned, encoding: .utf8)
        #expect(help.stdout == expected)
    }

    @Test func theSocketComesFromTheEnvironment() throws {
        let daemon = try DaemonHarness()
        let result = try runProgram(quay, ["ping"], environment: ["QUAY_SOCKET": daemon.socketPath, "LANG": "C"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "quayd is running\n")
    }
}
