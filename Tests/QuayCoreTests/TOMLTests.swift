import QuayCore
import Testing

@Suite struct TOMLTests {
    @Test func readsTheShapesOurFilesUse() throws {
        let text = """
            # Quầy
            [school]
            name = "Trường THCS Nguyễn Du" # trailing comment
            short_name = 'THCS ND'

            [database]
            synchronous = "full"
            busy_ms = 5_000
            ratio = 0.5
            flags = [ "a", 'b',
              "c", # comment inside an array
            ]

            [[desk]]
            name = "quầy-1"
            [[desk]]
            name = "quầy-2"
            options = { beep = true, volume.level = 3 }
            """
        let table = try TOMLTable(string: text)
        #expect(table.keys == ["school", "database", "desk"])
        #expect(table["school"]?.table?["name"]?.string == "Trường THCS Nguyễn Du")
        #expect(table["school"]?.table?["short_name"]?.string == "THCS ND")
        let database = try #require(table["database"]?.table)
        #expect(database["busy_ms"]?.int == 5000)
        #expect(database["ratio"]?.double == 0.5)
        #expect(database["ratio"]?.int == nil)
        #expect(database["flags"]?.array?.compactMap(\.string) == ["a", "b", "c"])
        #expect(database.line(of: "busy_ms") == 8)
        let desks = try #require(table["desk"]?.array)
        #expect(desks.count == 2)
        #expect(desks[1].table?["options"]?.table?["volume"]?.table?["level"]?.int == 3)
        #expect(desks[1].table?.line(of: "options") == 18)
        #expect(table.line(of: "school") == 2)
    }

    @Test func stringsEscapesAndMultilineForms() throws {
        let text = #"""
            a = "tab\there \u00E9 \U0001F600 \"q\" \\"
            b = """
            one
            two"""
            c = """\
                joined \
                line"""
            d = '''
            C:\raw\'''
            e = """quote "" inside"""""
            f = ""
            """#
        let table = try TOMLTable(string: text)
        #expect(table["a"]?.string == "tab\there é 😀 \"q\" \\")
        #expect(table["b"]?.string == "one\ntwo")
        #expect(table["c"]?.string == "joined line")
        #expect(table["d"]?.string == #"C:\raw\"#)
        #expect(table["e"]?.string == #"quote "" inside"""#)
        #expect(table["f"]?.string == "")
    }

    @Test func numbersBooleansAndDates() throws {
        let text = """
            i = +99
            j = -17
            hex = 0xDEAD_beef
            oct = 0o755
            bin = 0b1101
            max = 9223372036854775807
            min = -9223372036854775808
            f = 6.626e-34
            g = -1E+2
            h = inf
            yes = true
            no = false
            odt = 1979-05-27T07:32:00.999-07:00
            space = 1979-05-27 07:32:00Z
            ld = 2027-02-29x
            """
        #expect(throws: TOMLError.self) { try TOMLTable(string: text) }
        let table = try TOMLTable(string: text.replacingOccurrences(of: "ld = 2027-02-29x", with: "ld = 2028-02-29\nlt = 07:32:00"))
        #expect(table["i"]?.int == 99)
        #expect(table["j"]?.int == -17)
        #expect(table["hex"]?.int == 0xDEAD_BEEF)
        #expect(table["oct"]?.int == 0o755)
        #expect(table["bin"]?.int == 13)
        #expect(table["max"]?.int == Int.max)
        #expect(table["min"]?.int == Int.min)
        #expect(table["f"]?.double == 6.626e-34)
        #expect(table["g"]?.double == -100)
        #expect(table["h"]?.double == .infinity)
        #expect(table["yes"]?.bool == true && table["no"]?.bool == false)
        #expect(table["odt"] == .dateTime("1979-05-27T07:32:00.999-07:00"))
        #expect(table["space"] == .dateTime("1979-05-27 07:32:00Z"))
        #expect(table["ld"] == .dateTime("2028-02-29"))
        #expect(table["lt"] == .dateTime("07:32:00"))
    }

    /// Each of these is refused with its line and a reason, and none traps. The first five
    /// aborted the daemon inside toml++ (issue 13).
    @Test(arguments: [
        ("[=]\n", 1, "expected a key"),
        ("[#]\n", 1, "expected a key"),
        ("[,]\n", 1, "expected a key"),
        ("[é]\n", 1, "expected a key"),
        ("[\u{01}]\n", 1, "control character U+0001"),
        ("[]\n", 1, "expected a key"),
        ("a = 1\na = 2\n", 2, "defined twice"),
        ("[a]\n[a]\n", 2, "defined twice"),
        ("[a]\nb = 1\n[a.b]\n", 3, "defined twice"),
        ("a = {}\n[a]\n", 2, "defined twice"),
        ("a = [1]\n[[a]]\n", 2, "not an array of tables"),
        ("[a.b]\n[a]\nb.c = 1\n", 3, "dotted key cannot add"),
        ("a = 9223372036854775808\n", 1, "64-bit integer"),
        ("a = -9223372036854775809\n", 1, "64-bit integer"),
        ("a = 0xFFFFFFFFFFFFFFFFFF\n", 1, "64-bit integer"),
        ("a = 012\n", 1, "leading zero"),
        ("a = 1__2\n", 1, "is not a value"),
        ("a = _1\n", 1, "is not a value"),
        ("a = 1.\n", 1, "is not a value"),
        ("a = .5\n", 1, "is not a value"),
        ("a = 1e999\n", 1, "finite"),
        ("a = text\n", 1, "needs quotes"),
        ("a = \"open\n", 1, "must end on the line"),
        ("a = \"\"\"never closed\n", 1, "not closed"),
        ("a = \"a\u{00}b\"\n", 1, "control character U+0000"),
        ("a = \"\\x41\"\n", 1, "unknown escape"),
        ("a = \"\\uD800\"\n", 1, "Unicode scalar"),
        ("a = \"\\u12\"\n", 1, "hex digits"),
        ("a = 1 b = 2\n", 1, "end of the line"),
        ("a = 1\r\n\rb = 2\n", 2, "carriage return"),
        ("# bell \u{07}\n", 1, "comment"),
        ("a = [1 2]\n", 1, "',' or ']'"),
        ("a = { b = 1,\n c = 2 }\n", 1, "one line"),
        ("a = { b = 1, }\n", 1, "expected a key"),
        ("a = 2027-13-01\n", 1, "not a date"),
        ("a = 25:00:00\n", 1, "not a date"),
        ("[[a]\n", 1, "']]'"),
        ("a =\n", 1, "expected a value"),
        ("= 1\n", 1, "expected a key"),
        ("'''k''' = 1\n", 1, "multi-line"),
        ("a = " + String(repeating: "[", count: 65), 1, "nest deeper"),
    ] as [(String, Int, String)])
    func aBadDocumentIsAnErrorWithItsLine(text: String, line: Int, reason: String) {
        do {
            _ = try TOMLTable(string: text)
            Issue.record("accepted: \(text.debugDescription)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func deepNestingIsBoundedNotAStackOverflow() throws {
        let deep = "a = " + String(repeating: "[", count: 100_000)
        #expect(throws: TOMLError.self) { try TOMLTable(string: deep) }
        let inline = "a = " + String(repeating: "{b=", count: 100_000)
        #expect(throws: TOMLError.self) { try TOMLTable(string: inline) }
        let allowed = "a = " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try TOMLTable(string: allowed)["a"] != nil)
    }

    @Test func columnsCountCharactersNotBytes() {
        do {
            _ = try TOMLTable(string: "ten = \"ồ\" x\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 1 && error.column == 11, "\(error)")
        }
    }

    @Test func aByteOrderMarkAndEmptyDocumentsAreFine() throws {
        #expect(try TOMLTable(string: "\u{FEFF}a = 1\n")["a"]?.int == 1)
        #expect(try TOMLTable(string: "").isEmpty)
        #expect(try TOMLTable(string: "\n# only a comment\n").isEmpty)
    }
}
