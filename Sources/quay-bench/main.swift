import CQuayShims
import Foundation
import QuayClient

#if canImport(Glibc)
import Glibc
#endif

// `make bench`: the SPEC §14 benchmarks that exist so far, each printed beside a floor
// measured in the same run, so the ratio holds on any machine. Usage:
//   quay-bench --bin .build/release [--iterations N]

struct Options {
    var bin = ".build/release"
    var iterations = 20_000

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--bin": bin = rest.popFirst() ?? bin
            case "--iterations": iterations = Int(rest.popFirst() ?? "") ?? iterations
            default:
                FileHandle.standardError.write(Data("quay-bench: unknown flag \(flag)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Sorted samples in nanoseconds and their percentiles.
struct Samples {
    let sorted: [UInt64]

    init(_ values: [UInt64]) { sorted = values.sorted() }

    func percentile(_ p: Double) -> Double {
        Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }

    var median: Double { percentile(0.5) }
    var p99: Double { percentile(0.99) }
    var p999: Double { percentile(0.999) }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Times `iterations` round trips of `line` on `connection` (after a warm-up).
func roundTrips(_ connection: QuayConnection, line: [UInt8], iterations: Int) throws -> Samples {
    for _ in 0..<min(1000, iterations) {
        try connection.send(line)
        _ = try connection.readLine()
    }
    var samples: [UInt64] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = now()
        try connection.send(line)
        guard try connection.readLine() != nil else { throw ClientError.closed }
        samples.append(now() - start)
    }
    return Samples(samples)
}

/// The floor: a raw Unix-socket echo server on a thread of this process, one line per read.
func startEchoServer(path: String) -> Thread {
    let listener = quay_unix_listen(path, 16)
    precondition(listener >= 0, "echo listen failed: \(-listener)")
    let thread = Thread {
        let client = accept(listener, nil, nil)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            _ = buffer.withUnsafeBytes { quay_write_all(client, $0.baseAddress, count) }
        }
        close(client)
        close(listener)
    }
    thread.start()
    return thread
}

func startDaemon(bin: String, directory: String) throws -> Process {
    let config = """
        [school]
        name = "Trường Benchmark"
        [database]
        path = "\(directory)/quay.sqlite"
        [socket]
        path = "\(directory)/quay.sock"
        [log]
        level = "warning"
        """
    try config.write(toFile: "\(directory)/quayd.toml", atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(bin)/quayd")
    process.arguments = ["--config", "\(directory)/quayd.toml"]
    try process.run()
    for _ in 0..<500 {
        if let connection = try? QuayConnection(path: "\(directory)/quay.sock"),
            (try? connection.callRaw(op: "ping", args: Optional<Int>.none)) != nil
        {
            return process
        }
        usleep(10_000)
    }
    throw ClientError.closed
}

func format(_ value: Double) -> String { String(format: "%8.1f", value) }

let options = Options(Array(CommandLine.arguments.dropFirst()))
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

let pingLine = Array(#"{"v":1,"id":1,"op":"ping"}"#.utf8) + [10]

let echoPath = "\(directory)/echo.sock"
let echoThread = startEchoServer(path: echoPath)
let echo = try roundTrips(try QuayConnection(path: echoPath), line: pingLine, iterations: options.iterations)

let daemon = try startDaemon(bin: options.bin, directory: directory)
let ping = try roundTrips(
    try QuayConnection(path: "\(directory)/quay.sock"), line: pingLine, iterations: options.iterations)
daemon.terminate()
daemon.waitUntilExit()

print("quay-bench: \(options.iterations) round trips each; times in µs")
print("benchmark                        median      p99    p99.9   ratio (median, p99)")
print("floor: raw Unix-socket echo    \(format(echo.median)) \(format(echo.p99)) \(format(echo.p999))")
print(
    "ping round trip (quayd)        \(format(ping.median)) \(format(ping.p99)) \(format(ping.p999))   "
        + String(format: "%.2f×, %.2f× the echo floor", ping.median / echo.median, ping.p99 / echo.p99))
