import CQuayShims
import Foundation
import QuayTestSupport
import QuayClient
import QuayProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real quayd driven by the real quay (SPEC §15).
@Suite struct DaemonLifecycleTests {
    @Test func statusAnswersInBothLanguages() throws {
        let daemon = try DaemonHarness()
        let english = try daemon.quay(["status", "--lang", "en"])
        #expect(english.status == 0, "\(english.stderr)")
        #expect(english.stdout.contains("School       Trường Thử"))
        #expect(english.stdout.contains("Config file  \(daemon.configURL.path)"))
        #expect(english.stdout.contains("register 5"))
        let vietnamese = try daemon.quay(["status", "--lang", "vi"])
        #expect(vietnamese.status == 0)
        #expect(vietnamese.stdout.contains("Cơ sở dữ liệu  \(daemon.directory.path)/quay.sqlite"))
        #expect(vietnamese.stdout.contains("Tệp cấu hình"))
        let fromLocale = try daemon.quay(["status"], environment: ["LANG": "vi_VN.UTF-8", "LC_ALL": ""])
        #expect(fromLocale.stdout.contains("Đã chạy"))
        let json = try daemon.quay(["status", "--json"])
        let reply = try object(Array(json.stdout.trimmingCharacters(in: .newlines).utf8))
        let result = try #require(reply["result"]?.objectValue)
        #expect(result["version"] == .string(quayVersion))
        #expect(result["database"]?.objectValue?["journal_mode"] == "wal")
        #expect(result["database"]?.objectValue?["synchronous"] == "FULL")
        #expect(result["config"]?.objectValue?["path"] == .string(daemon.configURL.path))
    }

    @Test func sigtermStopsCleanly() throws {
        let daemon = try DaemonHarness()
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        // A client mid-conversation: its request is answered before the daemon goes.
        let client = try QuayConnection(path: daemon.socketPath)
        _ = try client.callRaw(op: "ping", args: Optional<Int>.none)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0, "\(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(try client.readLine() == nil)  // closed cleanly
        #expect(daemon.log.contains("quayd stopped"))
        // The database was closed whole: sqlite3 opens it and finds it intact.
        let check = try runProgram(
            "/usr/bin/sqlite3", [daemon.directory.appendingPathComponent("quay.sqlite").path, "PRAGMA integrity_check;"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }

    @Test func sighupWithABrokenConfigKeepsTheOldOne() throws {
        let daemon = try DaemonHarness()
        let good = try daemon.quay(["status", "--json"])
        #expect(good.stdout.contains("Trường Thử"))
        // Break the file: line 3 has an unknown key.
        try "[school]\nname = \"Khác\"\ncolour = \"red\"\n".write(to: daemon.configURL, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("config reload refused"), "\(daemon.log)")
        #expect(daemon.log.contains("\(daemon.configURL.path):3: unknown key 'colour'"))
        let after = try daemon.quay(["status", "--json"])
        #expect(after.status == 0)
        #expect(after.stdout.contains("Trường Thử"))
        #expect(after.stdout.contains("\"reloads\":0"))
        // A good file is then taken.
        try DaemonHarness.config(directory: daemon.directory, school: "Trường Mới")
            .write(to: daemon.configURL, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("config reloaded"), "\(daemon.log)")
        let reloaded = try daemon.quay(["status", "--json"])
        #expect(reloaded.stdout.contains("Trường Mới"))
        #expect(reloaded.stdout.contains("\"reloads\":1"))
    }

    @Test func aSecondQuaydOnTheSameDatabaseIsRefusedAtOnceAndTheFirstGoesOn() throws {
        let daemon = try DaemonHarness()
        let otherSocket = daemon.directory.appendingPathComponent("other.sock").path
        let started = Date()
        let second = try runProgram(
            binDirectory.appendingPathComponent("quayd").path, ["--config", daemon.configURL.path, "--socket", otherSocket])
        #expect(second.status == 75, "\(second.stderr)")
        #expect(Date().timeIntervalSince(started) < 5, "refused at once, not after a wait")
        let pid = try #require(daemon.process?.pid)
        #expect(second.stderr.contains("PID \(pid)"), "\(second.stderr)")
        #expect(second.stderr.contains("đang được một quayd khác dùng") && second.stderr.contains("in use by another quayd"))
        #expect(!FileManager.default.fileExists(atPath: otherSocket), "the refused start touched no socket")
        let status = try daemon.quay(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        // Once the first has stopped, the database is free again.
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        try daemon.launch()
        #expect(try daemon.quay(["status"]).status == 0)
    }

    @Test func aStoppingQuaydLeavesANewerOnesSocketInPlace() throws {
        let daemon = try DaemonHarness()
        // Another quayd, on another database, binds the same socket path anew.
        let newer = daemon.directory.appendingPathComponent("newer.sqlite").path
        let log = daemon.directory.appendingPathComponent("newer.log").path
        let second = try ChildProcess(
            binDirectory.appendingPathComponent("quayd").path, ["--database", newer, "--socket", daemon.socketPath],
            environment: ProcessInfo.processInfo.environment, stdout: log, stderr: log)
        defer {
            second.signal(SIGTERM)
            _ = second.wait(timeout: 10)
        }
        var served = false
        for _ in 0..<200 where !served {
            served = (try? daemon.quay(["status", "--json"]).stdout.contains(newer)) == true
            if !served { usleep(50_000) }
        }
        #expect(served, "the newer quayd did not answer")
        // The older one stops: the socket file is the newer one's, so it stays.
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.log.contains("left in place"), "\(daemon.log)")
        let after = try daemon.quay(["status", "--json"])
        #expect(after.status == 0 && after.stdout.contains(newer), "\(after.stderr)")
    }

    @Test func aBrokenConfigAtStartIsRefused() throws {
        let daemon = try DaemonHarness(start: false)
        try "[socket]\nmax_connections = -1\n".write(to: daemon.configURL, atomically: true, encoding: .utf8)
        let result = try runProgram(binDirectory.appendingPathComponent("quayd").path, ["--config", daemon.configURL.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("quayd.toml:2: socket.max_connections must be a whole number"))
        #expect(!FileManager.default.fileExists(atPath: daemon.directory.appendingPathComponent("quay.sqlite").path))
    }

    @Test func readyAndStoppingReachTheNotifySocket() throws {
        let daemon = try DaemonHarness(start: false)
        let notifyPath = daemon.directory.appendingPathComponent("notify.sock").path
        let fd = quay_unix_datagram_bind(notifyPath)
        #expect(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try daemon.launch(environment: ["NOTIFY_SOCKET": notifyPath, "WATCHDOG_USEC": "200000"])
        var messages: [String] = []
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
        }
        while let message = receive() {
            messages.append(message)
            if messages.contains(where: { $0.contains("READY=1") }) && messages.contains("WATCHDOG=1") { break }
        }
        #expect(messages.contains { $0.split(separator: "\n").contains("READY=1") }, "\(messages)")
        #expect(messages.contains("WATCHDOG=1"), "\(messages)")
        daemon.signal(SIGTERM)
        var stopping = false
        while let message = receive() {
            if message.split(separator: "\n").contains("STOPPING=1") {
                stopping = true
                break
            }
        }
        #expect(stopping)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func socketActivationThroughSystemd() throws {
        let daemon = try DaemonHarness(start: false)
        let activatedPath = daemon.directory.appendingPathComponent("activated.sock").path
        try daemon.launch(
            executable: "/usr/bin/systemd-socket-activate",
            arguments: [
                "--listen=\(activatedPath)", binDirectory.appendingPathComponent("quayd").path,
                "--config", daemon.configURL.path,
            ])
        // systemd-socket-activate listens first and starts quayd on the first connection.
        var status: CommandResult?
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: activatedPath) {
                status = try runProgram(binDirectory.appendingPathComponent("quay").path, ["--socket", activatedPath, "status", "--json"])
                if status?.status == 0 { break }
            }
            usleep(50_000)
        }
        let json = try #require(status)
        #expect(json.status == 0, "\(json.stderr) \(daemon.log)")
        #expect(json.stdout.contains("\"activated\":true"))
        // quayd did not bind its configured path: the socket it serves is systemd's.
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        daemon.signal(SIGTERM)
        _ = daemon.waitForExit()
    }

    @Test func systemdAcceptsTheUnitFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // verify checks that ExecStart exists, so point it at the binary just built.
        let service = try String(contentsOf: packageRoot.appendingPathComponent("systemd/quayd.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/quayd", with: binDirectory.appendingPathComponent("quayd").path)
        try service.write(to: directory.appendingPathComponent("quayd.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent("systemd/quayd.socket"),
            to: directory.appendingPathComponent("quayd.socket"))
        let result = try runProgram(
            "/usr/bin/systemd-analyze",
            ["verify", "--man=no", directory.appendingPathComponent("quayd.socket").path,
             directory.appendingPathComponent("quayd.service").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
