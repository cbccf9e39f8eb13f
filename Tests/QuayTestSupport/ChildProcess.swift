import Foundation

#if canImport(Glibc)
import Glibc
#endif

public struct CommandResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// A child process started with posix_spawn and reaped with waitpid. Foundation's Process
/// is not used: its shared SIGCHLD reaper was seen to miss an exit when several children
/// end together, leaving a test waiting forever.
public final class ChildProcess {
    public let pid: pid_t
    private(set) var exitStatus: Int32?

    /// Starts `path`; its stdin is `stdin` (default /dev/null), stdout and stderr go to the given files.
    /// With `newProcessGroup` the child leads a process group of its own, so `signalGroup` reaches
    /// whatever it starts in turn (chromedriver's browsers).
    public init(
        _ path: String, _ arguments: [String], environment: [String: String], stdout: String, stderr: String, stdin: String = "/dev/null",
        newProcessGroup: Bool = false
    ) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if newProcessGroup {
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw ChildProcessError.spawnFailed(path, rc) }
        pid = child
    }

    public var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return rc == 0 }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out: Swift has no function-like macros.
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return false
    }

    /// Waits up to `timeout` seconds; the exit status, or nil if still running.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(5_000) }
        return isRunning ? nil : exitStatus
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Signals the process group the child leads (started with `newProcessGroup`); its members
    /// may outlive the leader, so this is sent even after the child has ended.
    public func signalGroup(_ number: Int32) {
        kill(-pid, number)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = wait(timeout: 5)
        }
    }
}

/// Runs a program to its end with a time limit; output is collected through files so a
/// chatty program never blocks on a full pipe.
public func runProgram(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 20, stdin: String? = nil
) throws -> CommandResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outPath = directory.appendingPathComponent("out").path
    let errPath = directory.appendingPathComponent("err").path
    var inPath = "/dev/null"
    if let stdin {
        inPath = directory.appendingPathComponent("in").path
        try stdin.write(toFile: inPath, atomically: true, encoding: .utf8)
    }
    let child = try ChildProcess(
        path, arguments, environment: environment ?? ProcessInfo.processInfo.environment, stdout: outPath,
        stderr: errPath, stdin: inPath)
    guard let status = child.wait(timeout: timeout) else {
        child.signal(SIGKILL)
        throw ChildProcessError.timedOut("\(path) \(arguments) did not finish within \(timeout) s")
    }
    return CommandResult(
        status: status,
        stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}


public enum ChildProcessError: Error {
    case spawnFailed(String, Int32)
    case timedOut(String)
}

/// What zbarimg, an independent decoder, reads in a PNG: one `SYMBOLOGY:text` per symbol,
/// sorted. zbarimg exits 4 when it finds nothing; that is an empty list, not an error.
public func zbarSymbols(png: [UInt8]) throws -> [String] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-zbar-\(UUID().uuidString).png").path
    try Data(png).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runProgram("/usr/bin/zbarimg", ["--quiet", "-Sqrcode.binary", path])
    return result.stdout.split(separator: "\n").map(String.init).sorted()
}
