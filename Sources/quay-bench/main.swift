import CQuayShims
import Foundation
import QuayClient
import QuayCore
import QuayProtocol
import QuayStore

#if canImport(Glibc)
import Glibc
#endif

// `make bench`: the SPEC §14 benchmarks that exist so far, each printed beside a floor
// measured in the same run, so the ratio holds on any machine. Usage:
//   quay-bench --bin .build/release [--iterations N]

struct Options {
    var bin = ".build/release"
    var iterations = 20_000
    var items = 1_000_000

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--bin": bin = rest.popFirst() ?? bin
            case "--iterations": iterations = Int(rest.popFirst() ?? "") ?? iterations
            case "--items": items = Int(rest.popFirst() ?? "") ?? items
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

/// Times `iterations` round trips on `connection` (after a warm-up); `line(i)` is the i-th request.
func roundTrips(
    _ connection: QuayConnection, iterations: Int, warmUp: Int = 1000, verify: Bool = true, line: (Int) -> [UInt8]
) throws -> Samples {
    for index in 0..<min(warmUp, iterations) {
        try connection.send(line(index))
        _ = try connection.readLine()
    }
    var samples: [UInt64] = []
    samples.reserveCapacity(iterations)
    for index in 0..<iterations {
        let request = line(index)
        let start = now()
        try connection.send(request)
        guard let reply = try connection.readLine() else { throw ClientError.closed }
        samples.append(now() - start)
        if verify, index == 0, !reply.starts(with: Array(#"{"id":1,"ok":true"#.utf8)) {
            FileHandle.standardError.write(Data("quay-bench: unexpected reply \(String(decoding: reply, as: UTF8.self))\n".utf8))
            exit(1)
        }
    }
    return Samples(samples)
}

func roundTrips(_ connection: QuayConnection, line: [UInt8], iterations: Int, verify: Bool = true) throws -> Samples {
    try roundTrips(connection, iterations: iterations, verify: verify) { _ in line }
}

/// Fills the catalogue with `items` copies in intakes of 1,000, straight through the store.
func generateCatalogue(path: String, items: Int) async throws -> Double {
    let database = try QuayDatabase(path: path, synchronous: .normal)
    let start = now()
    let classes = ["895.922", "823.914", "530", "510", "372.21", "53(075)", "8(V)", "V23"]
    var made = 0
    var index = 0
    while made < items {
        let copies = min(1000, items - made)
        let call = try CallNumber.parse("\(classes[index % classes.count]) NG-A T.\(index % 20 + 1)")
        let record = NewRecord(title: "Sách thử \(index)", authors: ["Nguyễn Văn \(index)"], callNumber: call, kind: .reference)
        _ = try await database.intake(
            Intake(registerCode: "STK", copies: copies, record: record, receivedOn: "2026-11-20"), at: Date())
        made += copies
        index += 1
    }
    try database.close()
    return Double(now() - start) / 1e9
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
let echo = try roundTrips(try QuayConnection(path: echoPath), line: pingLine, iterations: options.iterations, verify: false)

let generation = try await generateCatalogue(path: "\(directory)/quay.sqlite", items: options.items)
let daemon = try startDaemon(bin: options.bin, directory: directory)
let connection = try QuayConnection(path: "\(directory)/quay.sock")
let ping = try roundTrips(connection, line: pingLine, iterations: options.iterations)

// Barcode look-up of random copies among all of them.
var generator = SystemRandomNumberGenerator()
let lookups = try roundTrips(connection, iterations: min(options.iterations, 20_000)) { _ in
    let number = Int.random(in: 1...options.items, using: &generator)
    return Array(#"{"v":1,"id":1,"op":"item.show","args":{"barcode":"STK.\#(String(format: "%06d", number))"}}"#.utf8) + [10]
}

// Intakes of 1,000 copies into the full database, over the socket, synchronous=FULL.
let intakeLine = Array(#"{"v":1,"id":1,"op":"intake","args":{"register":"SGK","copies":1000,"title":"Tiếng Việt 6","authors":["Bùi Mạnh Hùng"],"class_number":"372.6 B-H"}}"#.utf8) + [10]
let intakes = try roundTrips(connection, iterations: 30, warmUp: 3) { _ in intakeLine }
daemon.terminate()
daemon.waitUntilExit()

func row(_ name: String, _ samples: Samples, _ note: String = "") -> String {
    name.padding(toLength: 34, withPad: " ", startingAt: 0)
        + "\(format(samples.median)) \(format(samples.p99)) \(format(samples.p999))   \(note)"
}

print("quay-bench: \(options.iterations) round trips each; \(options.items) copies in the catalogue; times in µs")
print("benchmark".padding(toLength: 34, withPad: " ", startingAt: 0) + "  median      p99    p99.9   ratio")
print(row("floor: raw Unix-socket echo", echo))
print(row("ping round trip (quayd)", ping, String(format: "%.2f× / %.2f× the echo floor (median / p99)", ping.median / echo.median, ping.p99 / echo.p99)))
print(row("item.show, random of \(options.items)", lookups, String(format: "%.2f× the ping round trip (median)", lookups.median / ping.median)))
print(row("intake of 1,000 copies", intakes, String(format: "%.1f µs a copy (median)", intakes.median / 1000)))
print(String(format: "catalogue generation: %d copies in %.1f s (store, synchronous=NORMAL)", options.items, generation))
