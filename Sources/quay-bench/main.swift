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
//   quay-bench --bin .build/release [--iterations N] [--items N] [--patrons N] [--past-loans N] [--pairs N]
//              [--labels-only] [--inventory-only] [--operations-only] [--reports-only] [--statistics-only] [--import-only] [--web-only] [--scans N]

struct Options {
    var bin = ".build/release"
    var iterations = 20_000
    var items = 1_000_000
    var patrons = 200_000
    var pastLoans = 5_000_000
    var pairs = 3000
    /// Only the label benchmarks, which need no database or daemon.
    var labelsOnly = false
    /// Only the inventory benchmarks: the catalogue, then a session of `scans` scans.
    var inventoryOnly = false
    var scans = 50_000
    /// Only the operations figures: the data set, then quick_check, a backup, quayd's start.
    var operationsOnly = false
    /// Only the reports: the catalogue, then the accession register to XLSX and CSV.
    var reportsOnly = false
    var statisticsOnly = false
    var importOnly = false
    var webOnly = false

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--bin": bin = rest.popFirst() ?? bin
            case "--iterations": iterations = Int(rest.popFirst() ?? "") ?? iterations
            case "--items": items = Int(rest.popFirst() ?? "") ?? items
            case "--patrons": patrons = Int(rest.popFirst() ?? "") ?? patrons
            case "--past-loans": pastLoans = Int(rest.popFirst() ?? "") ?? pastLoans
            case "--pairs": pairs = Int(rest.popFirst() ?? "") ?? pairs
            case "--labels-only": labelsOnly = true
            case "--inventory-only": inventoryOnly = true
            case "--operations-only": operationsOnly = true
            case "--reports-only": reportsOnly = true
            case "--statistics-only": statisticsOnly = true
            case "--import-only": importOnly = true
            case "--web-only": webOnly = true
            case "--scans": scans = Int(rest.popFirst() ?? "") ?? scans
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
    /// The mean, in µs.
    var mean: Double { Double(sorted.reduce(0, +)) / Double(max(1, sorted.count)) / 1000 }
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

/// Fills the catalogue with `items` copies in intakes of `perTitle` (a title each, "Sách thử N"),
/// straight through the store.
func generateCatalogue(path: String, items: Int, perTitle: Int = 1000) async throws -> Double {
    let database = try QuayDatabase(path: path, synchronous: .normal)
    let start = now()
    let classes = ["895.922", "823.914", "530", "510", "372.21", "53(075)", "8(V)", "V23"]
    var made = 0
    var index = 0
    while made < items {
        let copies = min(perTitle, items - made)
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

/// A TCP port free on loopback now (bound to port 0 and let go), for the SIP2 listener.
func freePort() -> Int {
    let (fd, port) = SIP2Connection.loopbackListener()
    close(fd)
    return port
}

/// The SIP2 and web console ports of the daemon `startDaemon` started last.
nonisolated(unsafe) var sip2Port = 0
nonisolated(unsafe) var webPort = 0

/// `quayd --hash-password` of `password`.
func passwordHash(bin: String, _ password: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(bin)/quayd")
    process.arguments = ["--hash-password"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data((password + "\n").utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func startDaemon(bin: String, directory: String, synchronous: String = "full", groupCommit: Bool = true) throws -> Process {
    sip2Port = freePort()
    webPort = freePort()
    let hash = try passwordHash(bin: bin, "bench")
    let config = """
        [school]
        name = "Trường Benchmark"
        [database]
        path = "\(directory)/quay.sqlite"
        synchronous = "\(synchronous)"
        group_commit = \(groupCommit)
        [socket]
        path = "\(directory)/quay.sock"
        [log]
        level = "warning"

        # A simulated keyboard-wedge scanner for the scan-to-loan benchmark.
        [[desk]]
        name = "bench"
        [[scanner]]
        name = "fifo"
        desk = "bench"
        path = "\(directory)/scanner.fifo"
        kind = "evdev"
        [[pattern]]
        category = "patron"
        pattern = "HS#######"
        patron_kind = "pupil"
        [[policy]]
        borrower = "pupil"
        limit = 5000

        # A self-check kiosk for the SIP2 round trip.
        [sip2]
        listen = "127.0.0.1:\(sip2Port)"
        [[sip2_account]]
        login = "bench"
        password_hash = "\(hash)"
        pin_required = false

        # The web console, for its page and event figures.
        [web]
        listen = "127.0.0.1:\(webPort)"
        """
    try config.write(toFile: "\(directory)/quayd.toml", atomically: true, encoding: .utf8)
    unlink("\(directory)/scanner.fifo")
    mkfifo("\(directory)/scanner.fifo", 0o600)
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


/// Patrons and past loans straight in SQL (set-up, not measured): pupils HS0000001…, loans
/// spread over five school years, all returned.
func generatePeopleAndHistory(path: String, patrons: Int, pastLoans: Int, items: Int) async throws -> Double {
    let start = now()
    let database = try QuayDatabase(path: path, synchronous: .normal)
    try await database.rawWriteForBenchmarks { db in
        try db.execute(
            sql: """
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
                INSERT INTO patron (card, full_name, name_sort_key, kind, school_year, created_at)
                SELECT printf('HS%07d', x), 'Học sinh ' || x, CAST(printf('%08d', x) AS BLOB), 'pupil', '2026-2027',
                    '2026-09-01T00:00:00Z'
                FROM n
                """,
            arguments: [patrons])
        try db.execute(
            sql: """
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
                INSERT INTO loan (item_id, patron_id, kind, loaned_at, due_at, returned_at)
                SELECT (x * 7919) % ? + 1, (x * 104729) % ? + 1, 'normal',
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2021-09-01', '+' || (x % 1800) || ' days'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2021-09-01', '+' || (x % 1800 + 14) || ' days'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', '2021-09-01', '+' || (x % 1800 + 10) || ' days')
                FROM n
                """,
            arguments: [pastLoans, items, patrons])
    }
    _ = try await database.checkpoint()
    try database.close()
    return Double(now() - start) / 1e9
}

func barcode(_ number: Int) -> String { String(format: "STK.%06d", number) }
func card(_ number: Int) -> String { String(format: "HS%07d", number) }

struct PairSamples {
    var checkout: Samples
    var checkin: Samples
}

/// `pairs` checkouts to random pupils of random copies from `pool`, each returned at once.
func storePairs(path: String, synchronous: Synchronous, pairs: Int, pool: ClosedRange<Int>, patrons: Int) async throws -> PairSamples {
    let database = try QuayDatabase(path: path, synchronous: synchronous)
    let settings = CirculationSettings()
    var out: [UInt64] = []
    var back: [UInt64] = []
    for index in 0..<(pairs + 200) {
        let item = barcode(Int.random(in: pool))
        let who = card(Int.random(in: 1...patrons))
        let date = Date()
        var start = now()
        _ = try await database.checkout(.card(who), scanned: item, settings: settings, at: date)
        let lent = now() - start
        start = now()
        _ = try await database.checkin(scanned: item, at: date)
        if index >= 200 {
            out.append(lent)
            back.append(now() - start)
        }
        if index % 500 == 0 { _ = try await database.checkpoint() }
    }
    try database.close()
    return PairSamples(checkout: Samples(out), checkin: Samples(back))
}

func rawPairs(path: String, synchronous: Synchronous, pairs: Int, pool: ClosedRange<Int>, patrons: Int) -> PairSamples {
    let raw = RawSQLite(path: path, synchronous: synchronous.rawValue)
    var out: [UInt64] = []
    var back: [UInt64] = []
    for index in 0..<(pairs + 200) {
        let item = barcode(Int.random(in: pool))
        let who = card(Int.random(in: 1...patrons))
        var start = now()
        raw.checkout(card: who, barcode: item, now: "2026-11-21T09:00:00Z", due: "2026-12-05T16:59:59Z")
        let lent = now() - start
        start = now()
        raw.checkin(barcode: item, now: "2026-11-21T09:00:01Z")
        if index >= 200 {
            out.append(lent)
            back.append(now() - start)
        }
        if index % 500 == 0 { raw.exec("PRAGMA wal_checkpoint(PASSIVE)") }
    }
    return PairSamples(checkout: Samples(out), checkin: Samples(back))
}

func row(_ name: String, _ samples: Samples, _ note: String = "") -> String {
    name.padding(toLength: 40, withPad: " ", startingAt: 0)
        + "\(format(samples.median)) \(format(samples.p99)) \(format(samples.p999))   \(note)"
}

func verdict(_ ok: Bool) -> String { ok ? "meets" : "MISSES" }

let options = Options(Array(CommandLine.arguments.dropFirst()))

/// Labels (in process; no daemon needed).
func reportLabelBenchmarks() throws {
    print("")
    print("labels (µs)                              median      p99    p99.9")
    let labels = try labelBenchmarks(count: 1000)
    print(row("libzint Code 128 encode (floor)", labels.zint))
    print(row("spine label render, 203 dpi", labels.render, String(format: "%.3f of the 1 ms target: %@", labels.render.median / 1000, verdict(labels.render.median <= 1000))))
    print(row("PNG of a spine label (preview only)", labels.png))
    print(String(format: "1,000 spine labels rendered in %.3f s", labels.thousandSeconds))
    let zpl = labels.zpl
    print(row("zlib deflate of the raster (floor)", zpl.deflateFloor))
    print(row("ZPL ^GF :Z64: encode", zpl.z64, String(format: "%.2f× the deflate floor", zpl.z64.median / zpl.deflateFloor.median)))
    print(row("ZPL ^GF ASCII-compressed encode", zpl.ascii))
    print(row("ZPL ^GF hex encode", zpl.hex))
    print(
        String(
            format: "1,000 spine labels rendered and encoded to ZPL (:Z64:) in %.3f s — target 1 s: %@", zpl.thousandSeconds,
            verdict(zpl.thousandSeconds <= 1)))
    print(
        String(
            format: "bytes per spine label (30 × 40 mm, 203 dpi): raster %.0f, ZPL :Z64: %.0f, ASCII-compressed %.0f, hex %.0f",
            zpl.bytesRaster, zpl.bytesZ64, zpl.bytesASCII, zpl.bytesHex))
}
if options.labelsOnly {
    try reportLabelBenchmarks()
    exit(0)
}
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let databasePath = "\(directory)/quay.sqlite"
if options.inventoryOnly {
    let seconds = try await generateCatalogue(path: databasePath, items: options.items)
    print("quay-bench: \(options.items) copies (catalogue \(String(format: "%.1f", seconds)) s through the store)")
    try await reportInventoryBenchmarks(path: databasePath, items: options.items, scans: options.scans)
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
if options.webOnly {
    // A thousand titles (as the full run's data set has), ten copies each, for the catalogue search.
    _ = try await generateCatalogue(path: databasePath, items: 10_000, perTitle: 10)
    try reportWebBenchmarks(bin: options.bin, directory: directory)
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
if options.importOnly {
    try await reportImportBenchmark(bin: options.bin, directory: directory, records: 100_000)
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
if options.statisticsOnly {
    let seconds = try await generateCatalogue(path: databasePath, items: options.items)
    print("quay-bench: \(options.items) copies (catalogue \(String(format: "%.1f", seconds)) s through the store)")
    try await reportStatisticsBenchmark(bin: options.bin, directory: directory, path: databasePath, items: options.items, loans: 200_000, pupils: 2_000)
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
if options.reportsOnly {
    let seconds = try await generateCatalogue(path: databasePath, items: options.items)
    print("quay-bench: \(options.items) copies (catalogue \(String(format: "%.1f", seconds)) s through the store)")
    try reportReportBenchmarks(bin: options.bin, directory: directory, path: databasePath, items: options.items)
    try await reportStatisticsBenchmark(bin: options.bin, directory: directory, path: databasePath, items: options.items, loans: 200_000, pupils: 2_000)
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
if options.operationsOnly {
    let catalogue = try await generateCatalogue(path: databasePath, items: options.items)
    let history = try await generatePeopleAndHistory(path: databasePath, patrons: options.patrons, pastLoans: options.pastLoans, items: options.items)
    print(String(format: "quay-bench: %d copies, %d patrons, %d past loans (%.1f s + %.1f s)", options.items, options.patrons, options.pastLoans, catalogue, history))
    try await reportOperationsBenchmarks(bin: options.bin, directory: directory, path: databasePath)
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
func report(_ line: String) {
    print(line)
}

// 1. Socket floors.
let pingLine = Array(#"{"v":1,"id":1,"op":"ping"}"#.utf8) + [10]
let echoPath = "\(directory)/echo.sock"
let echoThread = startEchoServer(path: echoPath)
let echo = try roundTrips(try QuayConnection(path: echoPath), line: pingLine, iterations: options.iterations, verify: false)

// 2. The data set.
let catalogueSeconds = try await generateCatalogue(path: databasePath, items: options.items)
let historySeconds = try await generatePeopleAndHistory(
    path: databasePath, patrons: options.patrons, pastLoans: options.pastLoans, items: options.items)
report("quay-bench: \(options.items) copies, \(options.patrons) patrons, \(options.pastLoans) past loans; times in µs")
report(String(format: "data set: catalogue %.1f s (store), patrons and loan history %.1f s (SQL)", catalogueSeconds, historySeconds))
report("benchmark".padding(toLength: 40, withPad: " ", startingAt: 0) + "  median      p99    p99.9   ratio")

// Copies: the random pool, 2,000 for a class's corner library, 4,000 for pipelining.
let pool = 1...(options.items - 10_000)
let classCopies = (options.items - 9_999)...(options.items - 8_000)
let pipelineCopies = (options.items - 6_000)...(options.items - 2_001)

// 3. Store against raw SQLite, FULL and NORMAL.
var storeFull: PairSamples? = nil
var rawFull: PairSamples? = nil
for synchronous in [Synchronous.full, .normal] {
    let store = try await storePairs(path: databasePath, synchronous: synchronous, pairs: options.pairs, pool: pool, patrons: options.patrons)
    let raw = rawPairs(path: databasePath, synchronous: synchronous, pairs: options.pairs, pool: pool, patrons: options.patrons)
    if synchronous == .full {
        storeFull = store
        rawFull = raw
    }
    let name = synchronous.rawValue
    report(row("raw SQLite checkout (\(name))", raw.checkout))
    let checkoutMedian = store.checkout.median / raw.checkout.median
    let checkoutP99 = store.checkout.p99 / raw.checkout.p99
    report(row("store checkout (\(name))", store.checkout,
        String(format: "%.2f× / %.2f× raw (target ≤ 1.3 / 1.5: %@); p99.9 %.1f× median (≤ 5: %@)", checkoutMedian, checkoutP99,
            verdict(checkoutMedian <= 1.3 && checkoutP99 <= 1.5), store.checkout.p999 / store.checkout.median,
            verdict(store.checkout.p999 <= 5 * store.checkout.median))))
    report(row("raw SQLite checkin (\(name))", raw.checkin))
    let checkinMedian = store.checkin.median / raw.checkin.median
    let checkinP99 = store.checkin.p99 / raw.checkin.p99
    report(row("store checkin (\(name))", store.checkin,
        String(format: "%.2f× / %.2f× raw (target ≤ 1.3 / 1.5: %@)", checkinMedian, checkinP99, verdict(checkinMedian <= 1.3 && checkinP99 <= 1.5))))
}

// 4. A class holding 2,000 loans against a pupil holding none.
do {
    let database = try QuayDatabase(path: databasePath, synchronous: .full)
    let settings = CirculationSettings()
    _ = try await database.addClass(name: "9Z", schoolYear: "2026-2027", grade: 9, homeroomTeacher: nil)
    for number in classCopies {
        _ = try await database.checkout(.class(name: "9Z", schoolYear: "2026-2027"), scanned: barcode(number), settings: settings, at: Date())
    }
    var classSamples: [UInt64] = []
    var pupilSamples: [UInt64] = []
    let fresh = card(options.patrons)  // never drawn as a borrower above with any certainty
    for index in 0..<1200 {
        let item = barcode(Int.random(in: pool))
        let borrower: Borrower = index % 2 == 0 ? .class(name: "9Z", schoolYear: "2026-2027") : .card(fresh)
        let start = now()
        _ = try await database.checkout(borrower, scanned: item, settings: settings, at: Date())
        let elapsed = now() - start
        _ = try await database.checkin(scanned: item, at: Date())
        if index >= 200 {
            if index % 2 == 0 { classSamples.append(elapsed) } else { pupilSamples.append(elapsed) }
        }
    }
    _ = try await database.checkpoint()
    try database.close()
    let holding = Samples(classSamples)
    let none = Samples(pupilSamples)
    report(row("checkout, pupil holding 0 loans", none))
    report(row("checkout, class holding 2,000 loans", holding,
        String(format: "%.2f× the pupil (median)", holding.median / none.median)))
}

// 5. Through the daemon: look-ups, checkout round trips, pipelining, intake.
let daemon = try startDaemon(bin: options.bin, directory: directory)
let connection = try QuayConnection(path: "\(directory)/quay.sock")
let ping = try roundTrips(connection, line: pingLine, iterations: options.iterations)
report(row("floor: raw Unix-socket echo", echo))
report(row("ping round trip (quayd)", ping, String(format: "%.2f× / %.2f× the echo floor (target ≤ 3×: %@)", ping.median / echo.median,
    ping.p99 / echo.p99, verdict(ping.median <= 3 * echo.median))))

var generator = SystemRandomNumberGenerator()
let lookups = try roundTrips(connection, iterations: min(options.iterations, 10_000)) { _ in
    Array(#"{"v":1,"id":1,"op":"item.show","args":{"barcode":"\#(barcode(Int.random(in: 1...options.items, using: &generator)))"}}"#.utf8) + [10]
}
report(row("item.show, random of \(options.items)", lookups, String(format: "ping + %.0f µs (target ≤ ping + 50: %@)",
    lookups.median - ping.median, verdict(lookups.median <= ping.median + 50))))

var socketCheckouts: [UInt64] = []
for index in 0..<(options.pairs / 2 + 100) {
    let item = barcode(Int.random(in: pool))
    let out = Array(#"{"v":1,"id":1,"op":"loan.checkout","args":{"patron":"\#(card(Int.random(in: 1...options.patrons)))","item":"\#(item)"}}"#.utf8) + [10]
    let start = now()
    try connection.send(out)
    let reply = try connection.readLine() ?? []
    guard reply.starts(with: Array(#"{"id":1,"ok":true"#.utf8)) else {
        FileHandle.standardError.write(Data("quay-bench: checkout refused: \(String(decoding: reply, as: UTF8.self))\n".utf8))
        exit(1)
    }
    if index >= 100 { socketCheckouts.append(now() - start) }
    try connection.send(Array(#"{"v":1,"id":2,"op":"loan.checkin","args":{"item":"\#(item)"}}"#.utf8) + [10])
    _ = try connection.readLine()
}
let socketCheckout = Samples(socketCheckouts)

// The same checkout from a SIP2 kiosk: login once, then checkout (11) and checkin (09) pairs.
let sip2Checkout: Samples = try {
    let kiosk = try SIP2Connection(port: sip2Port)
    kiosk.send(Array("9300CNbench|CObench|CP|\r".utf8))
    guard kiosk.receive()?.starts(with: Array("941".utf8)) == true else {
        FileHandle.standardError.write(Data("quay-bench: SIP2 login refused\n".utf8))
        exit(1)
    }
    let date = "20261201    093000"
    var samples: [UInt64] = []
    for index in 0..<(options.pairs / 2 + 100) {
        let item = barcode(Int.random(in: pool))
        let out = Array("11NN\(date)                  AOquay|AA\(card(Int.random(in: 1...options.patrons)))|AB\(item)|\r".utf8)
        let start = now()
        kiosk.send(out)
        guard let reply = kiosk.receive(), reply.starts(with: Array("121".utf8)) else {
            FileHandle.standardError.write(Data("quay-bench: SIP2 checkout refused\n".utf8))
            exit(1)
        }
        if index >= 100 { samples.append(now() - start) }
        kiosk.send(Array("09N\(date)\(date)AP|AOquay|AB\(item)|\r".utf8))
        _ = kiosk.receive()
    }
    return Samples(samples)
}()
let socketFloor = storeFull!.checkout.median + echo.median
report(row("checkout round trip (quayd, FULL)", socketCheckout,
    String(format: "%.2f× (store %.0f + echo %.0f); SPEC ≤ 1.5×: %@; goal ≤ 1.2×: %@", socketCheckout.median / socketFloor,
        storeFull!.checkout.median, echo.median, verdict(socketCheckout.median <= 1.5 * socketFloor),
        verdict(socketCheckout.median <= 1.2 * socketFloor))))
report(row("SIP2 checkout round trip (quayd, FULL)", sip2Checkout,
    String(format: "%.2f× the socket checkout (%.0f); target ≤ 1.5×: %@", sip2Checkout.median / socketCheckout.median, socketCheckout.median,
        verdict(sip2Checkout.median <= 1.5 * socketCheckout.median))))

// Pipelined: 4,000 checkouts to one class written in one go, replies read as they come, then
// returned the same way — with group commit (this daemon), and below with it off.
func pipelinedRate(_ connection: QuayConnection, op: String) throws -> (ok: Int, seconds: Double) {
    let pipelined = Array(pipelineCopies)
    let argument = op == "loan.checkout" ? #""class":"9Z","school_year":"2026-2027","# : ""
    let batch: [UInt8] = pipelined.enumerated().flatMap { index, number in
        Array(#"{"v":1,"id":\#(index),"op":"\#(op)","args":{\#(argument)"item":"\#(barcode(number))"}}"#.utf8) + [10]
    }
    let start = now()
    let writer = Thread { try? connection.send(batch) }
    writer.start()
    var ok = 0
    for _ in pipelined {
        if let reply = try connection.readLine(), String(decoding: reply, as: UTF8.self).contains("\"ok\":true") { ok += 1 }
    }
    return (ok, Double(now() - start) / 1e9)
}
let rawRate = 1e6 / rawFull!.checkout.median
let grouped = try pipelinedRate(connection, op: "loan.checkout")
_ = try pipelinedRate(connection, op: "loan.checkin")
let groupedRate = Double(grouped.ok) / grouped.seconds
report(String(format: "pipelined checkouts, group commit (quayd, FULL): %d in %.2f s = %.0f/s = %.2f× raw SQLite single-thread %.0f/s (target ≥ 3×: %@)",
    grouped.ok, grouped.seconds, groupedRate, groupedRate / rawRate, rawRate, verdict(groupedRate >= 3 * rawRate)))

let intakeLine = Array(#"{"v":1,"id":1,"op":"intake","args":{"register":"SGK","copies":1000,"title":"Tiếng Việt 6","authors":["Bùi Mạnh Hùng"],"class_number":"372.6 B-H"}}"#.utf8) + [10]
let intakes = try roundTrips(connection, iterations: 20, warmUp: 2) { _ in intakeLine }
report(row("intake of 1,000 copies (quayd, FULL)", intakes, String(format: "%.1f µs a copy", intakes.median / 1000)))
_ = echoThread

// Scan to committed loan: evdev records written into the scanner's FIFO → the desk.lent event.
let scanSamples = try scanToLoan(directory: directory, card: card(options.patrons), copies: (options.items - 1999)...(options.items - 1000))
report(row("scan → loan → event (quayd, FULL)", scanSamples,
    String(format: "%.2f× the socket checkout (%.0f); target ≤ 1.2×: %@", scanSamples.median / socketCheckout.median, socketCheckout.median,
        verdict(scanSamples.median <= 1.2 * socketCheckout.median))))
daemon.terminate()
daemon.waitUntilExit()

// The same pipelined checkouts with group commit off: one commit each.
do {
    let single = try startDaemon(bin: options.bin, directory: directory, groupCommit: false)
    let singleConnection = try QuayConnection(path: "\(directory)/quay.sock")
    let result = try pipelinedRate(singleConnection, op: "loan.checkout")
    _ = try pipelinedRate(singleConnection, op: "loan.checkin")
    let rate = Double(result.ok) / result.seconds
    report(String(format: "pipelined checkouts, no group commit (quayd, FULL): %d in %.2f s = %.0f/s = %.0f%% raw SQLite single-thread (target ≥ 100%%: %@)",
        result.ok, result.seconds, rate, 100 * rate / rawRate, verdict(rate >= rawRate)))
    single.terminate()
    single.waitUntilExit()
}

// `quay ping` as a whole process, against /bin/true started the same way (posix_spawn, wait).
do {
    let cli = try startDaemon(bin: options.bin, directory: directory)
    func spawnTimes(_ path: String, _ arguments: [String], runs: Int) -> Samples {
        var samples: [UInt64] = []
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for index in 0..<(runs + 5) {
            var pid: pid_t = 0
            let start = now()
            guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { continue }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            if index >= 5 { samples.append(now() - start) }
        }
        return Samples(samples)
    }
    let floor = spawnTimes("/bin/true", [], runs: 200)
    let quayPing = spawnTimes("\(options.bin)/quay", ["ping", "--socket", "\(directory)/quay.sock"], runs: 200)
    report(row("floor: /bin/true as a process", floor))
    report(row("quay ping as a process", quayPing, String(format: "%.1f ms, %.1f× /bin/true (SPEC ≤ 10 ms: %@; goal ≤ 5 ms: %@)",
        quayPing.median / 1000, quayPing.median / floor.median, verdict(quayPing.median <= 10_000), verdict(quayPing.median <= 5_000))))
    cli.terminate()
    cli.waitUntilExit()
}

try reportLabelBenchmarks()
try await reportOperationsBenchmarks(bin: options.bin, directory: directory, path: databasePath)
try reportReportBenchmarks(bin: options.bin, directory: directory, path: databasePath, items: options.items)
try await reportStatisticsBenchmark(bin: options.bin, directory: directory, path: databasePath, items: options.items, loans: 200_000, pupils: 2_000)
try await reportImportBenchmark(bin: options.bin, directory: directory, records: 100_000)
try reportWebBenchmarks(bin: options.bin, directory: directory)

// Last, since it changes the data set: the inventory (SPEC §14: 50,000 scans against 1,000,000 copies ≤ 2 s).
try await reportInventoryBenchmarks(path: databasePath, items: options.items, scans: options.scans)
