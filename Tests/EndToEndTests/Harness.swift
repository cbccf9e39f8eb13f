import CQuayShims
import Foundation
import QuayTestSupport
import QuayClient
import QuayProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Where `swift build` put quayd and quay: beside this test binary, or `QUAY_BIN_DIR`.
let binDirectory: URL = {
    if let explicit = ProcessInfo.processInfo.environment["QUAY_BIN_DIR"] {
        return URL(fileURLWithPath: explicit)
    }
    var candidate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        if FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("quayd").path) { return candidate }
        candidate.deleteLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug")
}()

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A real quayd in a temporary directory, with its own config, database and socket.
final class DaemonHarness {
    let directory: URL
    let configURL: URL
    let socketPath: String
    let logURL: URL
    private(set) var process: ChildProcess?

    /// `extraConfig` is appended to a config that puts everything in the directory.
    init(extraConfig: String = "", socketSection: String = "", environment: [String: String] = [:], start: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)  // other users (setpriv tests) must reach the socket
        socketPath = directory.appendingPathComponent("quay.sock").path
        configURL = directory.appendingPathComponent("quayd.toml")
        logURL = directory.appendingPathComponent("quayd.log")
        try Self.config(directory: directory, extra: extraConfig, socketSection: socketSection)
            .write(to: configURL, atomically: true, encoding: .utf8)
        if start { try launch(environment: environment) }
    }

    static func config(directory: URL, extra: String = "", socketSection: String = "", school: String = "Trường Thử") -> String {
        """
        [school]
        name = "\(school)"
        language = "en"

        [database]
        path = "\(directory.appendingPathComponent("quay.sqlite").path)"

        [socket]
        path = "\(directory.appendingPathComponent("quay.sock").path)"
        \(socketSection)

        \(extra)
        """
    }

    func launch(executable: String? = nil, arguments: [String]? = nil, environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC"] { env[key] = nil }
        env.merge(environment) { $1 }
        process = try ChildProcess(
            executable ?? binDirectory.appendingPathComponent("quayd").path,
            arguments ?? ["--config", configURL.path], environment: env, stdout: logURL.path, stderr: logURL.path)
        if arguments == nil { try waitUntilServing() }
    }

    /// Waits until a ping is answered.
    func waitUntilServing(timeout: Double = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let connection = try? QuayConnection(path: socketPath),
                (try? connection.callRaw(op: "ping", args: Optional<Int>.none)) != nil
            {
                return
            }
            if process?.isRunning != true { break }
            usleep(20_000)
        }
        throw HarnessError.notServing(log)
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Runs the real `quay` against this daemon.
    func quay(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> CommandResult {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        return try runProgram(
            binDirectory.appendingPathComponent("quay").path, ["--socket", socketPath] + arguments, environment: env, stdin: stdin)
    }

    func signal(_ number: Int32) {
        process?.signal(number)
    }

    /// Waits for quayd to exit; its status, or nil if it is still running after `timeout`.
    func waitForExit(timeout: Double = 15) -> Int32? {
        process?.wait(timeout: timeout)
    }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    /// A memory bound of the shipped build, in KiB, as it applies to this run: `make sanitize`
    /// runs a quayd built with AddressSanitizer or ThreadSanitizer (it sets ASAN_OPTIONS or
    /// TSAN_OPTIONS), which carries shadow memory and a quarantine of freed blocks — there the
    /// bound is doubled, so the test still catches a leak without measuring the sanitizer.
    static func memoryBound(kib: Int) -> Int {
        let environment = ProcessInfo.processInfo.environment
        let sanitized = environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil
        return sanitized ? 2 * kib : kib
    }

    /// Resident memory of quayd in KiB, from /proc.
    var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process?.pid ?? 0)/status", encoding: .utf8) else {
            return nil
        }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    deinit {
        if process?.isRunning == true {
            process?.signal(SIGTERM)
            _ = process?.wait(timeout: 10)
        }
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }
}

enum HarnessError: Error {
    case notServing(String)
}

/// Parses a reply line into a dictionary.
func object(_ line: [UInt8]?) throws -> [String: JSONValue] {
    let bytes = try #require(line)
    return try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).objectValue)
}

func errorCode(_ reply: [String: JSONValue]) -> String? {
    reply["error"]?.objectValue?["code"]?.stringValue
}
