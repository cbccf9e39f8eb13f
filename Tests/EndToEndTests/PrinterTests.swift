import Foundation
import QuayCore
import QuayProtocol
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Printing through the real quay and quayd to printers simulated on 127.0.0.1 and in
/// files; what they receive is decoded back to images by the test's own decoder and read
/// by zbar.
@Suite struct PrinterTests {
    /// Waits until `condition` holds; false after `timeout` seconds.
    private func eventually(_ timeout: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    private func jobs(_ daemon: DaemonHarness, _ state: String = "all") throws -> [PrintJobInfo] {
        let result = try daemon.quay(["jobs", "--state", state, "--json", "--limit", "1000"])
        try #require(result.status == 0, "\(result.stderr)")
        return try WireFormat.decoder().decode(Reply<PrintJobsResult>.self, from: Data(result.stdout.utf8)).result?.jobs ?? []
    }

    private func printers(_ daemon: DaemonHarness) throws -> [PrinterInfo] {
        let result = try daemon.quay(["printers", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        return try WireFormat.decoder().decode(Reply<PrintersResult>.self, from: Data(result.stdout.utf8)).result?.printers ?? []
    }

    private func labelCount(_ bytes: [UInt8]) -> Int {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "^XZ").count - 1
    }

    private func printerConfig(_ name: String, _ language: String, _ address: String, _ extra: String = "") -> String {
        """
        [[printer]]
        name = "\(name)"
        language = "\(language)"
        address = "\(address)"
        timeout_ms = 1000
        \(extra)

        """
    }

    private static let fastRetry = "[printing]\nretry_min_ms = 200\nretry_max_ms = 400\n"

    @Test func intakePrintsSpineAndBarcodeLabelsThatZbarReadsInEveryCompression() throws {
        let printer = try TestPrinter()
        defer { printer.close() }
        let address = "tcp://127.0.0.1:\(printer.port)"
        let daemon = try DaemonHarness(
            extraConfig: printerConfig("zebra", "zpl", address, "templates = [\"spine\", \"barcode\"]")
                + printerConfig("zebra-hex", "zpl", address, "compression = \"hex\"\ndpi = 300")
                + printerConfig("zebra-ascii", "zpl", address, "compression = \"ascii\""))
        let intake = try daemon.quay([
            "intake", "--register", "STK", "--copies", "3", "--title", "Truyện Kiều", "--author", "Nguyễn Du", "--class-number", "895.9221",
            "--print",
        ])
        #expect(intake.status == 0, "\(intake.stderr)")
        #expect(intake.stdout.contains("Queued 6 labels for printing (jobs 1–6)"), "\(intake.stdout)")
        #expect(eventually { labelCount(printer.received) == 6 })
        let labels = try CapturedZPL.labels(in: printer.received)
        try #require(labels.count == 6)
        let expected = ["STK.000001", "STK.000001", "STK.000002", "STK.000002", "STK.000003", "STK.000003"]
        for (label, number) in zip(labels, expected) {
            #expect(try zbarSymbols(image: label) == ["CODE-128:\(number)"])
        }
        #expect(try eventually { try jobs(daemon).allSatisfy { $0.state == .done } })
        #expect(try jobs(daemon).map(\.template) == ["barcode", "spine", "barcode", "spine", "barcode", "spine"])  // newest first

        // The same label through the uncompressed and the ASCII-compressed ^GF.
        for name in ["zebra-hex", "zebra-ascii"] {
            let before = labelCount(printer.received)
            let result = try daemon.quay(["print", "barcode", "STK.000002", "--printer", name])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(eventually { labelCount(printer.received) == before + 1 })
            let label = try #require(try CapturedZPL.labels(in: printer.received).last)
            #expect(try zbarSymbols(image: label) == ["CODE-128:STK.000002"], "\(name)")
        }
        let text = String(decoding: printer.received, as: UTF8.self)
        #expect(text.contains(":Z64:") && text.contains("^PW"))
        #expect(try printers(daemon).first { $0.name == "zebra" }?.state == "ready")
    }

    @Test func escposRasterIntoAFileDecodes() throws {
        let daemon = try DaemonHarness(start: false)
        let file = daemon.directory.appendingPathComponent("receipt.bin")
        try (DaemonHarness.config(directory: daemon.directory, extra: printerConfig("receipt", "escpos", "file:\(file.path)")))
            .write(to: daemon.configURL, atomically: true, encoding: .utf8)
        try daemon.launch()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "Tắt đèn"]).status == 0)
        let result = try daemon.quay(["print", "barcode", "STK.000001", "STK.000002"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try eventually { try jobs(daemon, "done").count == 2 })
        let bytes = Array(try Data(contentsOf: file))
        #expect(bytes.starts(with: [0x1B, 0x40]))  // ESC @
        let images = try CapturedESCPOS.images(in: bytes)
        try #require(images.count == 2)
        #expect(try zbarSymbols(image: images[0]) == ["CODE-128:STK.000001"])
        #expect(try zbarSymbols(image: images[1]) == ["CODE-128:STK.000002"])
        // A plain file cannot say how it is.
        #expect(try printers(daemon).first?.state == "unknown")
    }

    @Test func aPrinterThatRefusesConnectionsGetsTheJobOnceItAccepts() throws {
        let port = try TestPrinter.freePort()
        let daemon = try DaemonHarness(extraConfig: Self.fastRetry + printerConfig("zebra", "zpl", "tcp://127.0.0.1:\(port)"))
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Dế Mèn phiêu lưu ký"]).status == 0)
        #expect(try daemon.quay(["print", "spine", "STK.000001"]).status == 0)
        #expect(try eventually { try printers(daemon).first?.faults == ["unreachable"] })
        let waiting = try daemon.quay(["printers"])
        #expect(waiting.stdout.contains("cannot be reached"), "\(waiting.stdout)")
        #expect(try eventually { (try jobs(daemon).first?.lastError ?? "").contains("refused") })
        #expect(try jobs(daemon).first?.attempts == 0, "nothing was sent")
        #expect(try jobs(daemon).first?.state == .queued)

        let printer = try TestPrinter(port: port)
        defer { printer.close() }
        #expect(try eventually { try jobs(daemon).first?.state == .done })
        usleep(500_000)  // no second copy follows
        #expect(labelCount(printer.received) == 1)
        #expect(try zbarSymbols(image: try #require(try CapturedZPL.labels(in: printer.received).first)) == ["CODE-128:STK.000001"])
        #expect(try printers(daemon).first?.state == "ready")
    }

    @Test func paperOutHoldsTheJobAndSaysWhy() throws {
        let printer = try TestPrinter()
        defer { printer.close() }
        printer.hostStatus = .paperOut
        let daemon = try DaemonHarness(extraConfig: Self.fastRetry + printerConfig("zebra", "zpl", "tcp://127.0.0.1:\(printer.port)"))
        let watchOut = daemon.directory.appendingPathComponent("watch.out").path
        let watch = try ChildProcess(
            binDirectory.appendingPathComponent("quay").path, ["--socket", daemon.socketPath, "watch", "--lang", "en"],
            environment: ProcessInfo.processInfo.environment, stdout: watchOut, stderr: watchOut)
        defer { watch.signal(SIGTERM) }
        usleep(300_000)  // the watcher subscribes
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Số đỏ"]).status == 0)
        #expect(try daemon.quay(["print", "barcode", "STK.000001"]).status == 0)
        #expect(try eventually { try printers(daemon).first?.faults == ["paper_out"] })
        let shown = try daemon.quay(["printers", "--lang", "vi"])
        #expect(shown.stdout.contains("hết giấy"), "\(shown.stdout)")
        #expect(try jobs(daemon).first?.state == .queued)
        #expect(try jobs(daemon).first?.lastError == "paper_out")
        #expect(printer.received.isEmpty)
        #expect(eventually { printer.statusQueries >= 2 })  // asked again after the wait

        printer.hostStatus = .ready
        #expect(try eventually { try jobs(daemon).first?.state == .done })
        #expect(labelCount(printer.received) == 1)
        // quay watch said so, as it happened.
        #expect(eventually {
            let watched = (try? String(contentsOfFile: watchOut, encoding: .utf8)) ?? ""
            return watched.contains("⎙ zebra: ! out of paper") && watched.contains("⎙ zebra: ✔ ready") && watched.contains("⎙ print job 1 on zebra: done")
        }, "\((try? String(contentsOfFile: watchOut, encoding: .utf8)) ?? "")")
        // A printer that does not answer ~HS is a fault too.
        printer.hostStatus = .silent
        #expect(try daemon.quay(["print", "barcode", "STK.000001"]).status == 0)
        #expect(try eventually { try printers(daemon).first?.faults == ["no_reply"] })
        #expect(labelCount(printer.received) == 1)
    }

    @Test func killedInTheMiddleOfFiftyJobsLosesNone() throws {
        let printer = try TestPrinter(delay: 0.04)
        defer { printer.close() }
        let daemon = try DaemonHarness(extraConfig: printerConfig("zebra", "zpl", "tcp://127.0.0.1:\(printer.port)", "status = false"))
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "50", "--title", "Lão Hạc"]).status == 0)
        let keys = (1...50).map { String(format: "STK.%06d", $0) }
        #expect(try daemon.quay(["print", "spine"] + keys).status == 0)
        #expect(eventually { labelCount(printer.received) >= 10 })
        daemon.signal(SIGKILL)
        #expect(daemon.waitForExit() != nil)
        let before = labelCount(printer.received)
        #expect(before < 50, "the queue was not interrupted")

        try daemon.launch()
        #expect(try eventually(30) { try jobs(daemon, "done").count == 50 })
        // "done" means the bytes are in the socket; the slow printer is still reading them.
        #expect(eventually(30) { labelCount(printer.received) >= 50 })
        usleep(300_000)
        let all = try jobs(daemon)
        #expect(all.count == 50)
        let labels = try CapturedZPL.labels(in: printer.received)
        var printed: [String: Int] = [:]
        for label in labels {
            for symbol in try zbarSymbols(image: label) { printed[symbol.replacingOccurrences(of: "CODE-128:", with: ""), default: 0] += 1 }
        }
        #expect(Set(printed.keys) == Set(keys), "every job printed")
        // A repeat is allowed only for the job that was being sent, and it is reported.
        let repeated = printed.filter { $0.value > 1 }.map(\.key)
        let interrupted = all.filter { $0.interrupted > 0 }.compactMap(\.key)
        #expect(repeated.count <= 1 && Set(repeated).isSubset(of: Set(interrupted)), "repeated \(repeated), interrupted \(interrupted)")
        if !interrupted.isEmpty {
            #expect(try daemon.quay(["jobs", "--all"]).stdout.contains("may have printed twice"))
        }
    }

    @Test func retryCancelReprintAndRefusals() throws {
        let port = try TestPrinter.freePort()
        let daemon = try DaemonHarness(extraConfig: Self.fastRetry + printerConfig("zebra", "zpl", "tcp://127.0.0.1:\(port)"))
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "Chí Phèo"]).status == 0)
        #expect(try daemon.quay(["print", "spine", "STK.000001", "STK.000002"]).status == 0)
        // Cancel the second while the printer is off.
        let cancelled = try daemon.quay(["jobs", "cancel", "2"])
        #expect(cancelled.status == 0 && cancelled.stdout.contains("cancelled"), "\(cancelled.stdout)\(cancelled.stderr)")
        let printer = try TestPrinter(port: port)
        defer { printer.close() }
        #expect(try eventually { try jobs(daemon, "done").count == 1 })
        usleep(300_000)
        #expect(labelCount(printer.received) == 1)
        // A done job is reprinted, not retried; a cancelled one can be retried.
        let retryDone = try daemon.quay(["jobs", "retry", "1"])
        #expect(retryDone.status == 1 && retryDone.stderr.contains("[job_state]"), "\(retryDone.stderr)")
        #expect(try daemon.quay(["jobs", "retry", "2"]).status == 0)
        let reprint = try daemon.quay(["jobs", "reprint", "1"])
        #expect(reprint.status == 0 && reprint.stdout.contains("reprint of 1"), "\(reprint.stdout)")
        #expect(try eventually { try jobs(daemon, "done").count == 3 })
        let labels = try CapturedZPL.labels(in: printer.received)
        #expect(labels.count == 3)
        #expect(try labels.map { try zbarSymbols(image: $0) } == [["CODE-128:STK.000001"], ["CODE-128:STK.000002"], ["CODE-128:STK.000001"]])

        // Refusals change nothing.
        let count = try jobs(daemon).count
        for (arguments, code) in [
            (["print", "spine", "STK.000099"], "unknown_item"), (["print", "spine", "STK.000001", "--printer", "nope"], "unknown_printer"),
            (["jobs", "cancel", "1"], "job_state"), (["jobs", "retry", "99"], "unknown_job"),
            (["print", "nhan", "STK.000001"], "unknown_template"),
        ] {
            let result = try daemon.quay(arguments)
            #expect(result.status == 1 && result.stderr.contains("[\(code)]"), "\(arguments): \(result.stderr)")
        }
        #expect(try jobs(daemon).count == count)
    }

    @Test func withoutPrintersPrintingIsRefusedAndIntakeStillWorksWithoutPrint() throws {
        let daemon = try DaemonHarness()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Vợ nhặt"]).status == 0)
        let print = try daemon.quay(["print", "spine", "STK.000001"])
        #expect(print.status == 1 && print.stderr.contains("[printer_not_configured]"), "\(print.stderr)")
        let intake = try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Vợ nhặt", "--print"])
        #expect(intake.status == 1 && intake.stderr.contains("[printer_not_configured]"))
        #expect(try daemon.quay(["item", "show", "STK.000002"]).status != 0, "a refused intake files nothing")
        #expect(try daemon.quay(["printers"]).stdout.contains("No printers configured"))
    }

    @Test func aUSBPrinterThatIsNotThereWaits() throws {
        let daemon = try DaemonHarness(extraConfig: Self.fastRetry + printerConfig("usb", "escpos", "usb://dead:beef"))
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Làng"]).status == 0)
        #expect(try daemon.quay(["print", "barcode", "STK.000001"]).status == 0)
        #expect(try eventually { try printers(daemon).first?.faults == ["unreachable"] })
        #expect(try jobs(daemon).first?.state == .queued)
        #expect(try printers(daemon).first?.transport == "usb")
    }
}
