import CQuayShims
import Foundation
import QuayCodecs
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Scanners end to end: bytes as a scanner sends them, into a FIFO (a keyboard wedge's evdev
/// records, a HID-POS scanner's reports) or a pseudo-terminal (a serial scanner), through a
/// real quayd, to loans in the database and lines in `quay watch`.
@Suite(.serialized) struct ScannerTests {
    /// A daemon with one desk and one scanner at `path` (with `scanner` lines added to its
    /// table), pupils allowed many loans.
    private func daemon(path: String, kind: String, scanner: String = "") throws -> DaemonHarness {
        try DaemonHarness(
            extraConfig: """
                [[desk]]
                name = "quay-1"
                language = "vi"

                [[scanner]]
                name = "may-quet-1"
                desk = "quay-1"
                path = "\(path)"
                kind = "\(kind)"
                \(scanner)

                [[policy]]
                borrower = "pupil"
                limit = 500
                """)
    }

    private func fifo(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quay-scan-\(UUID().uuidString.prefix(8))-\(name)").path
        #expect(mkfifo(path, 0o600) == 0)
        return path
    }

    /// Evdev records for `codes`, each a scan typed with a keystroke every millisecond, the
    /// scans `gap` apart on the scanner's clock.
    private func keystrokes(_ codes: [String], start: Int64 = 1_700_000_000_000_000, gap: Int64 = 1_000_000) throws -> [[UInt8]] {
        try codes.enumerated().map { index, code in
            try EvdevKeystrokes.records(for: code, at: EventTime(microseconds: start + Int64(index) * gap))
        }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) {
        #expect(bytes.withUnsafeBytes { quay_write_all(fd, $0.baseAddress, $0.count) } == 0)
    }

    private func setUp(_ daemon: DaemonHarness, copies: Int = 3) throws {
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "\(copies)", "--title", "Truyện Kiều"]).status == 0)
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Nguyễn Thị Ánh", "--class", "6A"]).status == 0)
    }

    private func waitFor(_ timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return false
    }

    private func openLoans(_ daemon: DaemonHarness) throws -> Int {
        let result = try daemon.quay(["loans", "--patron", "HS000001", "--json"])
        return result.stdout.components(separatedBy: "\"accession\"").count - 1
    }

    @Test func aKeyboardWedgeLendsThreeBooksAndQuayWatchShowsThem() throws {
        let path = try fifo("wedge")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "evdev")
        try setUp(daemon)
        let watchOut = daemon.directory.appendingPathComponent("watch.out").path
        let watch = try ChildProcess(
            binDirectory.appendingPathComponent("quay").path, ["--socket", daemon.socketPath, "watch", "--lang", "vi"],
            environment: ProcessInfo.processInfo.environment, stdout: watchOut, stderr: watchOut)
        defer { watch.signal(SIGTERM) }
        usleep(500_000)  // the watcher subscribes

        let writer = open(path, O_WRONLY)
        #expect(writer >= 0)
        for scan in try keystrokes(["HS000001", "STK.000001", "STK.000002", "STK.000003", "STK.000099"]) { write(writer, scan) }
        #expect(try waitFor { try openLoans(daemon) == 3 })
        close(writer)

        // One line a scan, with its one final outcome: no tick for "Cho mượn" before the store's answer.
        #expect(waitFor {
            let text = (try? String(contentsOfFile: watchOut, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "Đã cho mượn: Truyện Kiều").count - 1 == 3 && text.contains("STK.000099")
        }, "\((try? String(contentsOfFile: watchOut, encoding: .utf8)) ?? "")")
        let watched = (try? String(contentsOfFile: watchOut, encoding: .utf8)) ?? ""
        let lines = watched.split(separator: "\n").filter { $0.contains(" ✔ ") || $0.contains(" ✘ ") }
        #expect(lines.count == 5, "one line a scan: \(watched)")
        #expect(lines.first?.contains("[quay-1] HS000001 ✔ ") == true, "\(watched)")
        #expect(lines.contains { $0.contains("[quay-1] STK.000003 ✔ Đã cho mượn: Truyện Kiều") }, "\(watched)")
        #expect(lines.last?.contains("[quay-1] STK.000099 ✘ ") == true, "a refused scan in red, with its reason: \(watched)")
        #expect(!watched.contains("Cho mượn STK") && !watched.contains("▸"), "\(watched)")
        #expect(watched.contains("⚙ máy quét may-quet-1 đã kết nối"), "the scanner's state in the desk's words: \(watched)")

        let scans = try daemon.quay(["scans", "--desk", "quay-1", "--json"])
        #expect(scans.stdout.contains("\"data\":\"STK.000002\""))
        #expect(scans.stdout.components(separatedBy: "\"outcome\":\"lent\"").count - 1 == 3)
        #expect(daemon.waitForLog("cannot grab the scanner"))  // a FIFO is no evdev node: logged, not fatal
    }

    /// The HID-POS descriptor of the codec tests' fixture (a Honeywell-like scanner: report 2
    /// with byte count, AIM identifier, 56 data bytes, vendor bytes, continued flag), as hex.
    private func hidposDescriptor() throws -> String {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("QuayCodecsTests/Fixtures/hidpos-descriptor.hex")
        return try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n")
            .flatMap { $0.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace) }.joined(separator: " ")
    }

    /// A scanner report of that descriptor, built as the codec tests build it.
    private func hidposReport(_ data: String, aim: String = "]C0", continued: Bool = false) -> [UInt8] {
        let bytes = Array(data.utf8)
        return [2, UInt8(bytes.count)] + Array(aim.utf8) + bytes + [UInt8](repeating: 0, count: 56 - bytes.count) + [0x6A, 0]
            + [continued ? 1 : 0]
    }

    /// A hidraw node cannot be a FIFO (HIDIOCGRDESC fails with ENOTTY), so the scanner is given
    /// the fixture's descriptor in its config; the reports go in as a stream, one scan spread
    /// over two reports, a status report among them.
    @Test func aHIDPOSScannerLendsThreeBooks() throws {
        let path = try fifo("hidpos")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "hidpos", scanner: "descriptor = \"\(try hidposDescriptor())\"")
        try setUp(daemon)
        let writer = open(path, O_WRONLY)
        #expect(writer >= 0)
        defer { close(writer) }
        write(writer, hidposReport("HS00", continued: true))  // the card, over two reports
        write(writer, [3, 1, 0])  // a status report: not a scan
        write(writer, hidposReport("0001"))
        for code in ["STK.000001", "STK.000002", "STK.000003"] { write(writer, hidposReport(code)) }
        #expect(try waitFor { try openLoans(daemon) == 3 })

        let scans = try daemon.quay(["scans", "--desk", "quay-1", "--json"]).stdout
        let data = scans.components(separatedBy: "\"data\":\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(data == ["HS000001", "STK.000001", "STK.000002", "STK.000003"])
        #expect(scans.components(separatedBy: "\"outcome\":\"lent\"").count - 1 == 3)
        #expect(scans.components(separatedBy: "\"symbology\":\"]C0\"").count - 1 == 4)
        #expect(daemon.waitForLog("not a hidraw node; reading it by the configured report descriptor"))
        // The daemon started its hot-plug monitor with the scanners, or said why it could not.
        #expect(daemon.log.contains("listening to udev") || daemon.log.contains("udev is not running"))
    }

    @Test func aSerialScannerOnAPseudoTerminalLends() throws {
        var name = [CChar](repeating: 0, count: 128)
        let master = quay_open_pty(&name, name.count)
        #expect(master >= 0)
        defer { close(master) }
        let daemon = try daemon(path: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), kind: "serial")
        try setUp(daemon)
        #expect(try waitFor { try daemon.quay(["scanners"]).stdout.contains("connected") })
        write(master, Array("HS000001\r\nSTK.000001\r\nSTK.000002\n".utf8))
        #expect(try waitFor { try openLoans(daemon) == 2 })
    }

    @Test func aDoubleReadLendsOnce() throws {
        let path = try fifo("double")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "evdev")
        try setUp(daemon)
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        for scan in try keystrokes(["HS000001", "STK.000001", "STK.000001"], gap: 20_000) { write(writer, scan) }
        #expect(try waitFor { try daemon.quay(["scans", "--json"]).stdout.contains("\"outcome\":\"double_read\"") })
        #expect(try openLoans(daemon) == 1)
        let scans = try daemon.quay(["scans", "--json"]).stdout
        #expect(scans.components(separatedBy: "\"outcome\":\"lent\"").count - 1 == 1)
        // The log from a day, written either way; nothing from a day to come.
        #expect(try daemon.quay(["scans", "--since", "01/01/2020", "--json"]).stdout.contains("\"outcome\":\"double_read\""))
        #expect(try daemon.quay(["scans", "--since", "2099-01-01", "--json"]).stdout.contains("\"scans\":[]"))
        #expect(try daemon.quay(["scans", "--since", "31/02/2026"]).stderr.contains("[invalid_argument]"))
    }

    @Test func aBurstOf200ScansTwoMillisecondsApartLosesNoneAndKeepsOrder() throws {
        let path = try fifo("burst")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "evdev")
        try setUp(daemon, copies: 200)
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        let codes = ["HS000001"] + (1...200).map { String(format: "STK.%06d", $0) }
        for scan in try keystrokes(codes, gap: 2_000) {
            write(writer, scan)
            usleep(2_000)
        }
        #expect(try waitFor(30) { try openLoans(daemon) == 200 })
        let scans = try daemon.quay(["scans", "--limit", "1000", "--json"]).stdout
        let data = scans.components(separatedBy: "\"data\":\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(data == codes)
    }

    @Test func anUnplugMidScanIsSurvivedAndANewWriterIsPickedUp() throws {
        let path = try fifo("unplug")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "evdev")
        try setUp(daemon)
        var writer = open(path, O_WRONLY)
        let half = try keystrokes(["STK.000001"])[0]
        write(writer, Array(half.prefix(half.count / 2)))
        close(writer)  // unplugged in the middle of a scan
        #expect(try waitFor { try daemon.quay(["scanners", "--lang", "en"]).stdout.contains("gone") })
        #expect(try daemon.quay(["status"]).status == 0)  // still serving

        writer = open(path, O_WRONLY)
        defer { close(writer) }
        for scan in try keystrokes(["HS000001", "STK.000002"], start: 1_800_000_000_000_000) { write(writer, scan) }
        #expect(try waitFor { try openLoans(daemon) == 1 })
        #expect(try daemon.quay(["scanners", "--lang", "en"]).stdout.contains("connected"))
        // The half scan was dropped, not lent.
        #expect(!(try daemon.quay(["scans", "--json"]).stdout.contains("\"data\":\"STK.0\"")))
    }

    /// The commonest desk mistake is a wrong scan: QUAY:UNDO reverses the session's last loan,
    /// and the scan log and the audit log both keep it.
    @Test func undoAtTheDeskReversesTheLastLoanOfTheSession() throws {
        let path = try fifo("undo")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "evdev")
        try setUp(daemon)
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        for scan in try keystrokes(["HS000001", "STK.000001", "STK.000002", "QUAY:UNDO"]) { write(writer, scan) }
        #expect(try waitFor { try daemon.quay(["scans", "--desk", "quay-1", "--json"]).stdout.contains(#""outcome":"undone""#) })
        #expect(try openLoans(daemon) == 1)
        let loans = try daemon.quay(["loans", "--patron", "HS000001", "--json"]).stdout
        #expect(loans.contains("STK.000001") && !loans.contains("STK.000002"), "\(loans)")
        let scans = try daemon.quay(["scans", "--desk", "quay-1", "--json"]).stdout
        #expect(scans.contains(#""data":"STK.000002""#) && scans.contains(#""data":"QUAY:UNDO""#), "\(scans)")
        #expect(scans.components(separatedBy: #""outcome":"lent""#).count - 1 == 2, "both loans are in the scan log")
        let history = try daemon.quay(["history", "STK.000002", "--json"]).stdout
        #expect(history.contains(#""op":"loan.undo""#) && history.contains(#""actor":"desk:quay-1""#), "\(history)")
        // A second UNDO (past the debounce: the same code at once is a double read) reverses the
        // one before; a third has nothing left, and says so.
        usleep(1_000_000)
        for scan in try keystrokes(["QUAY:UNDO"], start: 1_700_000_010_000_000) { write(writer, scan) }
        let cleared = try waitFor { try openLoans(daemon) == 0 }
        let log = try daemon.quay(["scans", "--desk", "quay-1", "--lang", "en"]).stdout
        #expect(cleared, "\(log)")
        usleep(1_000_000)
        for scan in try keystrokes(["QUAY:UNDO"], start: 1_700_000_020_000_000) { write(writer, scan) }
        #expect(try waitFor { try daemon.quay(["scans", "--desk", "quay-1", "--json"]).stdout.contains(#""outcome":"nothing_to_undo""#) })
    }

    @Test func deskModeFromTheKeyboardAndACommandSheet() throws {
        let path = try fifo("mode")
        defer { unlink(path) }
        let daemon = try daemon(path: path, kind: "evdev")
        try setUp(daemon)
        let mode = try daemon.quay(["desk", "mode", "checkin", "--lang", "en"])
        #expect(mode.stdout.contains("Desk quay-1: mode checkin"), "\(mode.stderr)")
        let bad = try daemon.quay(["desk", "mode", "dance"])
        #expect(bad.status == 1 && bad.stderr.contains("[invalid_argument]"))
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        for scan in try keystrokes(["QUAY:MODE:CHECKOUT"]) { write(writer, scan) }
        #expect(try waitFor { try daemon.quay(["scanners", "--lang", "en"]).stdout.contains("mode checkout") })
    }

    /// A desk with printers: a loan slip on the receipt printer when a session ends, and a
    /// spine label for each copy scanned in intake mode.
    @Test func theDeskPrintsALoanSlipAndSpineLabels() throws {
        var name = [CChar](repeating: 0, count: 128)
        let master = quay_open_pty(&name, name.count)
        #expect(master >= 0)
        defer { close(master) }
        let daemon = try DaemonHarness(start: false)
        let receipt = daemon.directory.appendingPathComponent("receipt.bin").path
        let labels = daemon.directory.appendingPathComponent("labels.zpl").path
        try DaemonHarness.config(
            directory: daemon.directory,
            extra: """
                [[printer]]
                name = "hoa-don"
                language = "escpos"
                address = "file:\(receipt)"

                [[printer]]
                name = "zebra"
                language = "zpl"
                address = "file:\(labels)"

                [[desk]]
                name = "quay-1"
                receipt_printer = "hoa-don"
                label_printer = "zebra"
                loan_slip = "slip58"

                [[scanner]]
                name = "may-quet-1"
                desk = "quay-1"
                path = "\(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
                kind = "serial"
                """
        ).write(to: daemon.configURL, atomically: true, encoding: .utf8)
        try daemon.launch()
        try setUp(daemon)
        #expect(try waitFor { try daemon.quay(["scanners"]).stdout.contains("connected") })
        write(master, Array("HS000001\r\nSTK.000001\r\nSTK.000002\r\nQUAY:END\r\n".utf8))
        #expect(try waitFor { try daemon.quay(["jobs", "--state", "done"]).stdout.contains("slip58") })
        let slip = try CapturedESCPOS.images(in: Array(try Data(contentsOf: URL(fileURLWithPath: receipt))))
        #expect(slip.count == 1 && slip.first?.width == 384)  // 58 mm paper at 203 dpi

        write(master, Array("QUAY:MODE:INTAKE\r\nSTK.000003\r\n".utf8))
        #expect(try waitFor { try daemon.quay(["jobs", "--state", "done"]).stdout.contains("STK.000003") })
        let spine = try #require(try CapturedZPL.labels(in: Array(try Data(contentsOf: URL(fileURLWithPath: labels)))).first)
        #expect(try zbarSymbols(image: spine) == ["CODE-128:STK.000003"])
        let jobs = try daemon.quay(["jobs", "--all", "--json"]).stdout
        #expect(jobs.contains("\"source\":\"desk:quay-1\""))
        #expect(try daemon.quay(["scans", "--json"]).stdout.contains("\"outcome\":\"spine_queued\""))
    }
}
