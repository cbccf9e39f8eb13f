import Foundation
import QuayTestSupport
import Testing

/// Labels through the real quay and quayd: PNG previews a printer would get, decoded by zbar.
@Suite struct LabelTests {
    private func png(_ path: URL) throws -> [UInt8] { Array(try Data(contentsOf: path)) }

    @Test func previewsOfSpineBarcodeCardAndTagDecodeWithZbar() throws {
        let daemon = try DaemonHarness()
        let intake = try daemon.quay([
            "intake", "--register", "STK", "--copies", "2", "--title", "Truyện Kiều", "--author", "Nguyễn Du",
            "--class-number", "895.9221",
        ])
        #expect(intake.status == 0, "\(intake.stderr)")
        #expect(try daemon.quay(["patron", "add", "--card", "HS000123", "--name", "Nguyễn Thị Ánh", "--class", "6A"]).status == 0)
        #expect(try daemon.quay(["equipment", "add", "--code", "VL9", "--name", "Bộ thí nghiệm điện", "--units", "1"]).status == 0)
        let out = daemon.directory.appendingPathComponent("labels")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for dpi in ["203", "300"] {
            let cases: [(String, [String], [String])] = [
                ("spine", ["STK.000001", "STK.000002"], ["CODE-128:STK.000001", "CODE-128:STK.000002"]),
                ("barcode", ["STK.000002"], ["CODE-128:STK.000002"]),
                ("card", ["HS000123"], ["CODE-128:HS000123"]),
                ("tag", ["TB.000001"], ["CODE-128:TB.000001\nQR-Code:TB.000001"]),
            ]
            for (template, keys, expected) in cases {
                let result = try daemon.quay(["print", template] + keys + ["--preview", out.path, "--dpi", dpi])
                #expect(result.status == 0, "\(result.stderr)")
                for (key, symbols) in zip(keys, expected) {
                    let file = out.appendingPathComponent("\(template)-\(key).png")
                    #expect(result.stdout.contains(file.path))
                    #expect(try zbarSymbols(png: png(file)) == symbols.split(separator: "\n").map(String.init), "\(template) \(key) \(dpi)")
                }
            }
        }
        // The slip of the pupil's loans.
        #expect(try daemon.quay(["checkout", "--patron", "HS000123", "STK.000001"]).status == 0)
        let slip = try daemon.quay(["print", "slip58", "HS000123", "--preview", out.path, "--json"])
        #expect(slip.status == 0, "\(slip.stderr)")
        #expect(slip.stdout.contains("\"width_dots\":384"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("slip58-HS000123.png").path))
    }

    @Test func refusalsWriteNoFile() throws {
        let daemon = try DaemonHarness(extraConfig: "[labels]\nfont = \"/nonexistent/Font.ttf\"")
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Tắt đèn"]).status == 0)
        let out = daemon.directory.appendingPathComponent("labels")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)

        let font = try daemon.quay(["print", "spine", "STK.000001", "--preview", out.path])
        #expect(font.status == 1)
        #expect(font.stderr.contains("Cannot open the font file: cannot open the font file /nonexistent/Font.ttf [font_missing]"), "\(font.stderr)")
        // Loans go on without the font.
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Lê Văn Tám"]).status == 0)
        #expect(try daemon.quay(["checkout", "--patron", "HS000001", "STK.000001"]).status == 0)

        let unknown = try daemon.quay(["print", "spine", "STK.000099", "--preview", out.path])
        #expect(unknown.status == 1 && unknown.stderr.contains("[unknown_item]"))
        let template = try daemon.quay(["print", "nhan-gay", "STK.000001", "--preview", out.path])
        #expect(template.status == 1 && template.stderr.contains("[unknown_template]"))
        let noPrinter = try daemon.quay(["print", "spine", "STK.000001"])
        #expect(noPrinter.status == 1 && noPrinter.stderr.contains("[printer_not_configured]"), "\(noPrinter.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test func previewOfASchoolsOwnTemplateAndItsErrors() throws {
        let daemon = try DaemonHarness()
        let file = daemon.directory.appendingPathComponent("nhan.toml")
        let out = daemon.directory.appendingPathComponent("nhan.png")
        func write(_ value: String, symbology: String = "code128") throws {
            try """
                name = "nhan"
                data = "item"
                width_mm = 40
                height_mm = 20

                [[text]]
                x_mm = 1
                y_mm = 1
                width_mm = 38
                height_mm = 5
                value = "{school} — {title}"

                [[barcode]]
                x_mm = 0
                y_mm = 7
                width_mm = 40
                height_mm = 12
                symbology = "\(symbology)"
                value = "\(value)"
                """.write(to: file, atomically: true, encoding: .utf8)
        }
        try write("{barcode}")
        let good = try daemon.quay([
            "label", "preview", "--template", file.path, "--data", #"{"title":"Truyện Kiều","barcode":"STK.000007"}"#, "--out",
            out.path,
        ])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try zbarSymbols(png: png(out)) == ["CODE-128:STK.000007"])
        try FileManager.default.removeItem(at: out)

        try write("{titel}")
        let field = try daemon.quay(["label", "preview", "--template", file.path, "--out", out.path])
        #expect(field.status == 1)
        #expect(field.stderr.contains("\(file.path):19: barcode[1].value: unknown template field {titel}"), "\(field.stderr)")

        try write("{barcode}", symbology: "ean13")
        let carry = try daemon.quay(["label", "preview", "--template", file.path, "--data", #"{"barcode":"STK.7"}"#, "--out", out.path])
        #expect(carry.status == 1 && carry.stderr.contains("ean13 cannot carry \"STK.7\": 12 or 13 digits [barcode_unencodable]"))

        let badData = try daemon.quay(["label", "preview", "--template", file.path, "--data", "[1]", "--out", out.path])
        #expect(badData.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func templatesDirectoryIsReadWithTheConfigAndABadFileIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-templates-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            name = "the-kho"
            description = "Thẻ kho"
            data = "patron"
            width_mm = 50
            height_mm = 20
            [[text]]
            x_mm = 0
            y_mm = 0
            width_mm = 50
            height_mm = 20
            value = "{name}"
            """.write(to: directory.appendingPathComponent("the-kho.toml"), atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(extraConfig: "[labels]\ntemplates = \"\(directory.path)\"")
        let list = try daemon.quay(["label", "list"])
        #expect(list.stdout.contains("the-kho"))
        #expect(list.stdout.contains("\(directory.path)/the-kho.toml"))
        let show = try daemon.quay(["label", "show", "spine"])
        #expect(show.stdout.hasPrefix("# Nhãn gáy sách"))

        // A broken file: the reload is refused with the file and line; the old templates stay.
        try "name = \"hong\"\nwidth_mm = 50\nheight_mm = 20\n[[text]]\nx_mm = 0\n".write(
            to: directory.appendingPathComponent("hong.toml"), atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("hong.toml:4: text[1].y_mm: y_mm is missing"))
        #expect(try daemon.quay(["label", "list"]).stdout.contains("the-kho"))
    }
}
