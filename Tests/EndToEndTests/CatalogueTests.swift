import Foundation
import QuayTestSupport
import QuayClient
import QuayProtocol
import Testing

/// The catalogue through the real quay and quayd (issue: catalogue and numbering).
@Suite struct CatalogueTests {
    func json(_ result: CommandResult) throws -> [String: JSONValue] {
        try object(Array(result.stdout.trimmingCharacters(in: .newlines).utf8))
    }

    func count(_ daemon: DaemonHarness, _ table: String) throws -> Int64? {
        let status = try json(daemon.quay(["status", "--json"]))
        guard case .int(let value)? = status["result"]?.objectValue?["database"]?.objectValue?["counts"]?.objectValue?[table]
        else { return nil }
        return value
    }

    @Test func thirtyCopiesGetThirtyConsecutiveNumbersAndEachIsFound() throws {
        let daemon = try DaemonHarness()
        let result = try daemon.quay([
            "intake", "--register", "STK", "--copies", "30", "--title", "Mắt biếc", "--author", "Nguyễn Nhật Ánh",
            "--class-number", "895.92234", "--isbn", "0-306-40615-2", "--price", "85000", "--lang", "vi",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Đã nhập 30 bản vào sổ STK: STK.000001 – STK.000030 (đợt 1, đầu sách 1)")
        #expect(lines[1] == "Ký hiệu xếp giá: 895.92234 NG-A")
        #expect(Array(lines.dropFirst(2)) == (1...30).map { String(format: "STK.%06d", $0) })
        for number in lines.dropFirst(2) {
            let item = try json(daemon.quay(["item", "show", number, "--json"]))
            #expect(item["result"]?.objectValue?["accession"] == .string(number))
            #expect(item["result"]?.objectValue?["title"] == "Mắt biếc")
        }
        let found = try daemon.quay(["record", "find", "nguyen nhat anh", "--lang", "en"])
        #expect(found.stdout.contains("Mắt biếc  Nguyễn Nhật Ánh  895.92234 NG-A  30"), "\(found.stdout)")
    }

    @Test func twoIntakesAtTheSameMomentGetDisjointBlocks() throws {
        let daemon = try DaemonHarness()
        let quay = binDirectory.appendingPathComponent("quay").path
        let outputs = (0..<2).map { daemon.directory.appendingPathComponent("intake\($0).json").path }
        let clients = try outputs.enumerated().map { index, output in
            try ChildProcess(
                quay,
                ["--socket", daemon.socketPath, "intake", "--register", "SGK", "--copies", "60", "--title", "Toán \(index + 6)", "--json"],
                environment: ProcessInfo.processInfo.environment, stdout: output, stderr: output + ".err")
        }
        for client in clients { #expect(client.wait(timeout: 20) == 0) }
        var numbers: [Int64] = []
        for output in outputs {
            let reply = try object(Array(try String(contentsOfFile: output, encoding: .utf8).trimmingCharacters(in: .newlines).utf8))
            let result = try #require(reply["result"]?.objectValue)
            guard case .int(let first)? = result["first_number"], case .int(let last)? = result["last_number"] else {
                Issue.record("no numbers in \(reply)")
                return
            }
            #expect(last - first + 1 == 60)
            numbers += Array(first...last)
        }
        #expect(numbers.sorted() == Array(1...120))
    }

    @Test func shelfListComesOutInShelfOrder() throws {
        let daemon = try DaemonHarness()
        // Registered in a jumbled order.
        let calls = ["895.92234 NH-B", "53(075) L-T", "823.914 ROW T.10", "5", "823 ROW", "V23 Đ-A", "895.922334 NG-A", "823.914 ROW T.2", "8(V)"]
        for call in calls {
            let result = try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Sách \(call)", "--class-number", call])
            #expect(result.status == 0, "\(call): \(result.stderr)")
        }
        let list = try json(daemon.quay(["shelf-list", "--json"]))
        guard case .array(let items)? = list["result"]?.objectValue?["items"] else {
            Issue.record("no items")
            return
        }
        let order = items.compactMap { $0.objectValue?["call_number"]?.stringValue }
        #expect(order == ["823 ROW", "823.914 ROW T.2", "823.914 ROW T.10", "895.922334 NG-A", "895.92234 NH-B", "5", "53(075) L-T", "8(V)", "V23 Đ-A"])
        let range = try daemon.quay(["shelf-list", "--from", "800", "--to", "823", "--lang", "en"])
        #expect(range.stdout.split(separator: "\n").count == 4)  // header + three copies of 823…
    }

    @Test func badInputIsRefusedAndWritesNothing() throws {
        let daemon = try DaemonHarness()
        let wrongISBN = try daemon.quay(["intake", "--register", "STK", "--copies", "2", "--title", "X", "--isbn", "0306406151"])
        #expect(wrongISBN.status == 1)
        #expect(wrongISBN.stderr.contains("[invalid_isbn]"))
        let unknown = try daemon.quay(["intake", "--register", "ABC", "--copies", "2", "--title", "X", "--lang", "vi"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Không có sổ đăng ký này: ABC [unknown_register]"))
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "0", "--title", "X"]).status == 2)
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "100001", "--title", "X"]).status == 2)
        // The daemon refuses them too, whatever the client.
        let connection = try QuayConnection(path: daemon.socketPath)
        for copies in [0, 100_001] {
            let reply = try object(connection.callRaw(op: "intake", args: IntakeArgs(register: "STK", copies: copies, title: "X")))
            #expect(errorCode(reply) == "invalid_argument")
        }
        #expect(try count(daemon, "item") == 0)
        #expect(try count(daemon, "batch") == 0)
        #expect(try count(daemon, "record") == 0)
        let register = try daemon.quay(["register", "list", "--lang", "en"])
        #expect(register.stdout.contains("STK   Sách tham khảo    STK.999999  STK.000001  0"), "\(register.stdout)")

        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Nguyễn Văn An", "--class", "6A"]).status == 0)
        let duplicate = try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Trần Thị Bình"])
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("[duplicate_card]"))
        #expect(try count(daemon, "patron") == 1)
    }

    @Test func aClassListWithOneBrokenRowImportsTheRest() throws {
        let daemon = try DaemonHarness()
        let csv = daemon.directory.appendingPathComponent("6a.csv")
        // A BOM, CRLF line ends, quoted names, Vietnamese headers, a name in NFD, one broken row.
        let text = "\u{FEFF}Thẻ,Họ tên,Lớp\r\nHS000001,\"Nguyễn Văn An\",6A\r\nHS000002,Đặng Thị Ánh,6A\r\nHS000003,,6A\r\n"
            + "HS000004,\"Lê Ư\",6A\r\nHS000005,Tra\u{0302}\u{0300}n Thị An,6A\r\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let result = try daemon.quay(["patron", "import", csv.path, "--year", "2026-2027", "--lang", "vi"])
        #expect(result.status == 1)
        #expect(result.stdout == "Đã nhập 4 bạn đọc.\ndòng 4: invalid_argument: name must not be empty\n")
        #expect(try count(daemon, "patron") == 4)
        let sixA = try daemon.quay(["class", "show", "6A", "--year", "2026-2027", "--lang", "vi"])
        #expect(sixA.stdout == """
            Lớp 6A — năm học 2026-2027 — 4 học sinh
            1  HS000001  Nguyễn Văn An
            2  HS000005  Trần Thị An
            3  HS000002  Đặng Thị Ánh
            4  HS000004  Lê Ư

            """)
        let found = try daemon.quay(["patron", "find", "tran thi an", "--json"])
        #expect(found.stdout.contains("\"name\":\"Trần Thị An\""))  // stored in NFC
        // An unreadable file changes nothing.
        try "card,name\n\"HS9,Never closed\n".write(to: csv, atomically: true, encoding: .utf8)
        let broken = try daemon.quay(["patron", "import", csv.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("[invalid_import_file]") && broken.stderr.contains("line 2: a quoted field is never closed"), "\(broken.stderr)")
        #expect(try count(daemon, "patron") == 4)
        // A card no desk would read as one (the standard pattern is HS and six digits) is refused.
        try "card,name\nHS00004X,Sai Thẻ\nHS000009,Đúng Thẻ\n".write(to: csv, atomically: true, encoding: .utf8)
        let pattern = try daemon.quay(["patron", "import", csv.path])
        #expect(pattern.status == 1 && pattern.stdout.contains("line 2: invalid_argument: HS00004X is not a card the desk reads"), "\(pattern.stdout)")
        #expect(try count(daemon, "patron") == 5)
    }
}
