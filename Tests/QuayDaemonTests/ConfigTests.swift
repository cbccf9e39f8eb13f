import Foundation
import QuayCore
import QuayDevices
import Testing

@testable import QuayDaemon

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

@Suite struct ConfigTests {
    @Test func anEmptyFileGivesTheDefaults() throws {
        let config = try ConfigLoader.parse("", path: "empty.toml")
        #expect(config == DaemonConfig())
        #expect(config.socketPath == "/run/quay/quay.sock")
        #expect(config.socketMode == 0o660)
        #expect(config.maxConnections == 256)
    }

    @Test func theShippedFilesLoad() throws {
        let development = try ConfigLoader.load(path: packageRoot.appendingPathComponent("config/dev.toml").path)
        #expect(development.databasePath == "var/quay.sqlite")
        #expect(development.socketPath == "var/quay.sock")
        #expect(development.schoolName == "Trường THCS Phụng Công")
        let production = try ConfigLoader.load(path: packageRoot.appendingPathComponent("config/quayd.toml").path)
        #expect(production.databasePath == "/var/lib/quay/quay.sqlite")
        #expect(production.language == .vi)
        #expect(production.backup.directory == "/var/lib/quay/backups" && production.backup.description == "daily 17:00")
    }

    @Test func schoolNamesAreStoredInNFC() throws {
        let config = try ConfigLoader.parse("[school]\nname = \"Tru\u{031B}o\u{031B}\u{0300}ng\"\n", path: "x.toml")
        #expect(config.schoolName == "Trường")
    }

    @Test(arguments: [
        ("[school]\nname = \"A\"\n[socket\npath = \"x\"\n", 3, "syntax"),
        ("[school]\nname = \"A\"\ncolour = \"red\"\n", 3, "unknown key 'colour'"),
        ("[socket]\n\nmax_connections = \"many\"\n", 3, "socket.max_connections must be a whole number"),
        ("[socket]\nmax_connections = 0\n", 2, "from 1 to 4096"),
        ("[socket]\nmode = \"999\"\n", 2, "octal"),
        ("[database]\npath = \"x\"\nsynchronous = \"sometimes\"\n", 3, "synchronous must be"),
        ("[school]\nlanguage = \"fr\"\n", 2, "language must be"),
        ("[printers]\nx = 1\n", 1, "unknown section"),
        ("school = 3\n", 1, "'school' must be a table"),
        ("[log]\nlevel = \"loud\"\n", 2, "level must be one of"),
        ("[calendar]\nclosed = [\"2027-02-30\"]\n", 2, "is not a day"),
        ("[calendar]\nclosed_weekdays = [\"caturday\"]\n", 2, "is not a weekday"),
        ("[[policy]]\nborrower = \"pupil\"\n\n[[policy]]\nborrower = \"alien\"\n", 5, "borrower must be"),
        ("[[policy]]\nmaterial = \"comics\"\n", 2, "material must be one of"),
        ("[[policy]]\nborrower = \"pupil\"\ndays = 0\n", 3, "policy.days must be"),
        ("[[policy]]\nborrower = \"pupil\"\ncolour = 1\n", 3, "unknown key 'colour' in [[policy]]"),
        ("[labels]\ndpi = 250\n", 2, "dpi must be 203 or 300"),
        ("[[scanner]]\nname = \"a\"\npath = \"/x\"\ndesk = \"quay-9\"\n", 4, "no [[desk]] named \"quay-9\""),
        ("[[scanner]]\nname = \"a\"\npath = \"/x\"\nkind = \"bluetooth\"\n", 4, "kind must be one of evdev, serial, hidpos"),
        ("[[desk]]\nname = \"a\"\nmode = \"dance\"\n", 3, "mode must be one of"),
        ("[[scanner]]\nname = \"a\"\nusb = \"0c2e-0b61\"\n", 3, "usb must be vendor:product in hex"),
        ("[[scanner]]\nname = \"a\"\nusb = \"0c2e:0b61\"\npath = \"/x\"\n", 3, "one of the two"),
        ("[[scanner]]\nname = \"a\"\npath = \"/x\"\ndescriptor = \"05 8C\"\n", 4, "descriptor is for kind = \"hidpos\" only"),
        ("[[scanner]]\nname = \"a\"\npath = \"/x\"\nkind = \"hidpos\"\ndescriptor = \"05 8\"\n", 5, "descriptor must be the report descriptor's bytes in hex"),
        ("[[scanner]]\nname = \"a\"\npath = \"/x\"\nkind = \"hidpos\"\ndescriptor = \"05 01 09 06 A1 01 C0\"\n", 5, "not a HID-POS barcode scanner's (hid_no_decoded_data)"),
        ("[[desk]]\nname = \"a\"\n[[desk]]\nname = \"a\"\n", 4, "two desks are named \"a\""),
        ("[[pattern]]\ncategory = \"patron\"\npattern = \"HS###\\\\\"\n", 3, "is not a pattern"),
        ("[[pattern]]\ncategory = \"book\"\npattern = \"#\"\n", 2, "category must be one of"),
        ("[labels]\n\ntemplates = \"/nonexistent/labels\"\n", 3, "cannot read the template directory"),
        ("[labels]\nfallback_fonts = \"x.ttf\"\n", 2, "labels.fallback_fonts must be an array of strings"),
        ("[backup]\ndirectory = \"/b\"\ndaily_at = \"5pm\"\n", 3, "daily_at must be a time of day"),
        ("[backup]\ndaily_at = \"24:00\"\n", 2, "daily_at must be a time of day"),
        ("[backup]\nevery = \"6 hours\"\n", 2, "every must be a count and a unit"),
        ("[backup]\nevery = \"0h\"\n", 2, "every must be a count and a unit"),
        ("[backup]\ndaily_at = \"17:30\"\nevery = \"6h\"\n", 3, "not both"),
        ("[backup]\nkeep = 0\n", 2, "backup.keep must be a whole number from 1 to 1000"),
        ("[backup]\ndirectory = \"\"\n", 2, "backup.directory must not be empty"),
        ("[backup]\nwhen = \"often\"\n", 2, "unknown key 'when' in [backup]"),
        ("[sip2]\nlisten = \"nowhere\"\n", 2, "listen must be host:port"),
        ("[[sip2_account]]\nlogin = \"a\"\n", 1, "needs a [sip2] table"),
        ("[sip2]\n[[sip2_account]]\nlogin = \"a\"\npassword_hash = \"plain\"\n", 4, "password_hash must be a hash made by `quayd --hash-password`"),
        ("[sip2]\n[[sip2_account]]\nlogin = \"a\"\npassword_hash = \"$argon2id$x\"\nencoding = \"latin1\"\n", 5, "encoding must be"),
        ("[sip2]\n[[sip2_account]]\nlogin = \"a\"\npassword_hash = \"$argon2id$x\"\nmessages = [\"print\"]\n", 5, "messages must name some of"),
        ("[sip2]\n[[sip2_account]]\nlogin = \"a\"\npassword_hash = \"$argon2id$x\"\n[[sip2_account]]\nlogin = \"a\"\npassword_hash = \"$argon2id$y\"\n", 6, "two SIP2 accounts"),
    ] as [(String, Int, String)])
    func aBadFileIsRefusedWithItsLineAndReason(text: String, line: Int, reason: String) {
        do {
            _ = try ConfigLoader.parse(text, path: "bad.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            if reason != "syntax" {
                #expect(error.reason.contains(reason), "\(error)")
            }
            #expect(error.description.hasPrefix("bad.toml:\(line): "))
        }
    }

    @Test func backupSchedulesReadAndSayWhenTheNextIsDue() throws {
        let daily = try ConfigLoader.parse("[backup]\ndirectory = \"/srv/b\"\ndaily_at = \"17:30\"\nkeep = 7\n", path: "b.toml").backup
        #expect(daily.directory == "/srv/b" && daily.keep == 7 && daily.description == "daily 17:30")
        #expect(try ConfigLoader.parse("[backup]\nevery = \"90m\"\n", path: "b.toml").backup.description == "every 90m")
        #expect(try ConfigLoader.parse("[backup]\nevery = \"12h\"\n", path: "b.toml").backup.description == "every 12h")
        #expect(DaemonConfig().backup.directory == nil, "off by default")

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
            calendar.date(from: DateComponents(year: 2026, month: 12, day: day, hour: hour, minute: minute))!
        }
        // None yet: at once.
        #expect(daily.due(after: nil, now: at(1, 8), calendar: calendar) == at(1, 8))
        // Taken yesterday at 17:30, now 08:00: due today at 17:30.
        #expect(daily.due(after: at(1, 17, 30), now: at(2, 8), calendar: calendar) == at(2, 17, 30))
        // The desk PC was off at 17:30 yesterday (newest from the day before): at once, on start.
        #expect(daily.due(after: at(1, 17, 30), now: at(3, 7), calendar: calendar) == at(3, 7))
        // Taken today after 17:30: tomorrow.
        #expect(daily.due(after: at(2, 17, 31), now: at(2, 18), calendar: calendar) == at(3, 17, 30))
        // The clock was stepped back behind the newest backup: at once, not when it catches up.
        #expect(daily.due(after: at(5, 17, 30), now: at(2, 9), calendar: calendar) == at(2, 9))
        var every = BackupSettings()
        every.schedule = .every(seconds: 6 * 3600)
        #expect(every.due(after: at(1, 8), now: at(1, 9), calendar: calendar) == at(1, 14))
        #expect(every.allowedAge == 9 * 3600)
        #expect(daily.allowedAge == 36 * 3600)
    }

    @Test func theDocumentedSIP2ExampleReads() throws {
        let document = try String(contentsOf: packageRoot.appendingPathComponent("docs/sip2.md"), encoding: .utf8)
        let start = try #require(document.range(of: "```toml\n"))
        let end = try #require(document.range(of: "```", range: start.upperBound..<document.endIndex))
        let text = String(document[start.upperBound..<end.lowerBound]).split(separator: "\n").map { $0.drop { $0 == " " } }.joined(separator: "\n")
        let sip2 = try #require(try ConfigLoader.parse(text, path: "sip2.md").sip2)
        #expect(sip2.listen == "192.168.1.10:6001" && sip2.maxConnections == 64 && !sip2.statusBeforeLogin)
        #expect(sip2.accounts.map(\.login) == ["tu-muon-1"] && sip2.accounts[0].desk == "tu-muon-1" && sip2.accounts[0].messages.count == 10)
        #expect(DaemonConfig().sip2 == nil, "off by default")
    }

    @Test func policyCellsGoOnTopOfTheStandardMatrix() throws {
        let production = try ConfigLoader.load(path: packageRoot.appendingPathComponent("config/quayd.toml").path)
        let policy = production.circulation.policy
        #expect(policy.rule(for: .pupil, material: .children).limit == 3)
        #expect(policy.rule(for: .pupil, material: .reference).limit == 5)  // untouched cells stay
        #expect(production.circulation.calendar.closedDays.count == 3)
        #expect(!production.circulation.calendar.isOpen(Day("2027-02-05")!))
        let referenceOnly = try ConfigLoader.parse(
            "[[policy]]\nborrower = \"pupil\"\nmaterial = \"reference\"\nloanable = false\n", path: "x.toml")
        let rule = referenceOnly.circulation.policy.rule(for: .pupil, material: .reference)
        #expect(!rule.loanable && rule.period == .days(14))  // unset keys come from the refined cell
        let schoolYear = try ConfigLoader.parse("[[policy]]\nborrower = \"staff\"\nperiod = \"school_year\"\n", path: "x.toml")
        #expect(schoolYear.circulation.policy.rule(for: .staff, material: .other).period == .endOfSchoolYear)
    }

    /// The complete file of docs/config.md reads, with its quotas and terms.
    @Test func theDocumentedCompleteFileReadsWithItsQuotas() throws {
        let document = try String(contentsOf: packageRoot.appendingPathComponent("docs/config.md"), encoding: .utf8)
        let start = try #require(document.range(of: "## A complete file\n\n```toml\n"))
        let end = try #require(document.range(of: "```", range: start.upperBound..<document.endIndex))
        let config = try ConfigLoader.parse(String(document[start.upperBound..<end.lowerBound]), path: "config.md")
        let quota = config.equipmentQuota
        #expect(quota.periods == 20 && quota.subjects == ["Vật lý": 30, "Hoá học": 30] && quota.teachers == ["GV0003": 12])
        // A teacher's own figure first, then the subject's (without diacritics or case), then the school's.
        #expect(quota.periods(card: "GV0003", subject: "Vật lý") == 12)
        #expect(quota.periods(card: "GV0009", subject: "vat ly") == 30)
        #expect(quota.periods(card: "GV0009", subject: "Toán") == 20 && quota.periods(card: "GV0009", subject: nil) == 20)
        let terms = try #require(config.circulation.calendar.dates(ofTerm: 1, schoolYear: "2026-2027"))
        #expect(terms.starts == Day("2026-09-05") && terms.ends == Day("2027-01-14"))
        #expect(config.circulation.calendar.dates(ofTerm: 2, schoolYear: "2026-2027")?.starts == Day("2027-01-15"))
        for (text, message) in [
            ("[equipment_quota]\nperiods = \"hai\"\n", "equipment_quota.periods must be a whole number from 0 to 1000"),
            ("[equipment_quota]\nsubjects = 3\n", "equipment_quota.subjects must be a table"),
            ("[equipment_quota.teachers]\nGV01 = -1\n", "equipment_quota.teachers.GV01 must be a whole number"),
            ("[equipment_quota]\nquota = 1\n", "unknown key 'quota' in [equipment_quota]"),
        ] {
            #expect { try ConfigLoader.parse(text, path: "x.toml") } throws: { "\($0)".contains(message) }
        }
    }

    @Test func aMissingFileIsRefused() {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/quayd.toml") }
    }

    @Test func restartOnlySettingsAreNamed() {
        var changed = DaemonConfig()
        changed.socketPath = "/elsewhere.sock"
        changed.schoolName = "Khác"
        #expect(changed.restartOnlyDifferences(from: DaemonConfig()) == ["socket.path"])
    }

    /// The `[[desk]]`/`[[scanner]]`/`[[pattern]]` example of docs/config.md reads as documented.
    @Test func theDocumentedDeskExampleReads() throws {
        let document = try String(contentsOf: packageRoot.appendingPathComponent("docs/config.md"), encoding: .utf8)
        let start = try #require(document.range(of: "```toml\n[[desk]]"))
        let end = try #require(document.range(of: "```", range: start.upperBound..<document.endIndex))
        let config = try ConfigLoader.parse(String(document[start.lowerBound..<end.lowerBound].dropFirst(8)), path: "config.md")
        #expect(config.desks.map(\.name) == ["quay-1"])
        #expect(config.scanners.map(\.kind.rawValue) == ["evdev", "serial"])
        #expect(config.scanners.map(\.usb) == [nil, "1eab:1d06"])
        #expect(config.classifier.rules.count == 4)
        #expect(config.classifier.classify("30234000517861") == .item("30234000517861"))
        #expect(config.classifier.classify("30234000517862") == .badCheckDigit("30234000517862", .item))
    }

    /// The HID-POS simulation example of docs/config.md: a FIFO read by a configured descriptor.
    @Test func theDocumentedDescriptorExampleReads() throws {
        let document = try String(contentsOf: packageRoot.appendingPathComponent("docs/config.md"), encoding: .utf8)
        let start = try #require(document.range(of: "```toml\n[[scanner]]"))
        let end = try #require(document.range(of: "```", range: start.upperBound..<document.endIndex))
        let config = try ConfigLoader.parse(String(document[start.lowerBound..<end.lowerBound].dropFirst(8)), path: "config.md")
        let scanner = try #require(config.scanners.first)
        #expect(scanner.kind == .hidpos)
        #expect(scanner.descriptor?.prefix(6) == [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01])
        #expect(scanner.descriptor?.count == 27)
    }

    /// The printer example of docs/config.md reads as documented.
    @Test func theDocumentedPrinterExampleReads() throws {
        let document = try String(contentsOf: packageRoot.appendingPathComponent("docs/config.md"), encoding: .utf8)
        let start = try #require(document.range(of: "```toml\n[printing]"))
        let end = try #require(document.range(of: "```", range: start.upperBound..<document.endIndex))
        let config = try ConfigLoader.parse(String(document[start.lowerBound..<end.lowerBound].dropFirst(8)), path: "config.md")
        #expect(config.printers.map(\.name) == ["zebra-thu-vien", "hoa-don"])
        #expect(config.printers[0].address == .tcp(host: "192.168.1.50", port: 9100))
        #expect(config.printers[0].darkness == 20 && config.printers[0].offsetXMM == 1.5)
        #expect(config.printers[1].language == .escpos && config.printers[1].address == .file(path: "/dev/quay/printer-epson-0"))
        #expect(config.desks[0].receiptPrinter == "hoa-don" && config.desks[0].labelPrinter == "zebra-thu-vien")
        #expect(config.printing.retryMaxMilliseconds == 30_000)
    }

    @Test func printerFaultsAreRefusedWithTheirLine() {
        func refusal(_ text: String) -> String? {
            do {
                _ = try ConfigLoader.parse(text, path: "p.toml")
                return nil
            } catch { return error.description }
        }
        let base = "[[printer]]\nname = \"a\"\nlanguage = \"zpl\"\n"
        #expect(refusal(base + "address = \"lpt1\"\n")?.hasPrefix("p.toml:4: a printer address starts with file:, tcp:// or usb://") == true)
        #expect(refusal(base + "address = \"tcp://h:99999\"\n")?.contains("p.toml:4: the port must be from 1 to 65535") == true)
        #expect(refusal(base + "address = \"usb://zebra\"\n")?.contains("p.toml:4: usb:// needs vendor:product") == true)
        #expect(refusal(base + "address = \"file:/x\"\ndpi = 600\n")?.contains("p.toml:5: dpi must be 203 or 300") == true)
        #expect(refusal(base + "address = \"file:/x\"\ntemplates = [\"gay\"]\n")?.contains("p.toml:5: no label template named \"gay\"") == true)
        #expect(refusal(base + "address = \"file:/x\"\n" + base + "address = \"file:/y\"\n")?.contains("two printers are named \"a\"") == true)
        #expect(refusal(base + "address = \"file:/x\"\n[[desk]]\nname = \"d\"\nreceipt_printer = \"b\"\n")?.contains("no [[printer]] named \"b\"") == true)
        #expect(refusal(base + "address = \"file:/x\"\n[[desk]]\nname = \"d\"\nloan_slip = \"spine\"\n")?.contains("is not a loan slip template") == true)
        #expect(refusal("[[printer]]\nname = \"a\"\nlanguage = \"pcl\"\naddress = \"file:/x\"\n")?.contains("p.toml:3: language must be zpl or escpos") == true)
    }

    @Test func printerAddresses() throws {
        #expect(try PrinterAddress.parse("tcp://[::1]:9101").get() == .tcp(host: "::1", port: 9101))
        #expect(try PrinterAddress.parse("tcp://zebra.local").get() == .tcp(host: "zebra.local", port: 9100))
        #expect(try PrinterAddress.parse("usb://0a5f:0164?serial=XQ1").get() == .usb(vendor: 0x0a5f, product: 0x0164, serial: "XQ1"))
        #expect(try PrinterAddress.parse("file:///dev/usb/lp0").get() == .file(path: "/dev/usb/lp0"))
        #expect(PrinterAddress.usb(vendor: 0x0a5f, product: 0x164, serial: nil).description == "usb://0a5f:0164")
        #expect(PrinterAddress.tcp(host: "::1", port: 9100).description == "tcp://[::1]:9100")
    }

    @Test func labelSettingsAndTheShortName() throws {
        let production = try ConfigLoader.load(path: packageRoot.appendingPathComponent("config/quayd.toml").path)
        #expect(production.school.shortName == "THCS Phụng Công")
        #expect(production.labels.fonts.fallbacks == ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"])
        #expect(production.labels.templates.entries.count == 8)
        #expect(DaemonConfig().school.shortName == "Trường học")
        #expect(try ConfigLoader.parse("[school]\nname = \"Trường Tiểu học Kim Đồng\"\n", path: "x").school.shortName == "Tiểu học Kim Đồng")
    }
}
