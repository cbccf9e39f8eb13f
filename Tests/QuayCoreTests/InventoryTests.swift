import QuayCore
import Testing

/// A small collection on two shelves and a lab, and a walk past it that meets every category.
@Suite struct InventoryReconcilerTests {
    struct Copy {
        var id: Int64
        var kind: InventoryKind = .book
        var register = "STK"
        var location: String?
        var call: String?
        var status = "available"

        var target: InventoryTarget { InventoryTarget(kind, id) }
        var sortKey: String? { call.map { try! CallNumber.parse($0).sortKey } }
    }

    static let collection: [Copy] = [
        Copy(id: 1, location: "KE-A", call: "510 NG-A"),  // found, in order
        Copy(id: 2, location: "KE-A", call: "530 TR-B"),  // found, in order
        Copy(id: 3, location: "KE-A", call: "895.922 LE-C"),  // seen before 2 on the shelf: out of order
        Copy(id: 4, location: "KE-A", call: "823 ROW"),  // seen twice, in order
        Copy(id: 5, location: "KE-B", call: "372.21 PH-D"),  // seen on KE-A: misplaced by location
        Copy(id: 6, location: "KE-B", call: "372.6 BU-H"),  // not seen: missing
        Copy(id: 7, location: "KE-B", call: "530 TR-B", status: "on_loan"),  // not seen, lent: on loan
        Copy(id: 8, location: "KE-B", call: "530 TR-B", status: "on_loan"),  // seen although lent
        Copy(id: 9, location: nil, call: "510 NG-A"),  // never shelved: found where seen
        Copy(id: 10, location: "KE-B", call: "510 NG-A", status: "withdrawn"),  // withdrawn, seen: outside scope
        Copy(id: 1, kind: .equipment, register: "TB", location: "Phòng KHTN"),  // unit, broken
        Copy(id: 2, kind: .equipment, register: "TB", location: "Phòng KHTN"),  // unit not seen: missing
        Copy(id: 11, register: "SGK", location: "KE-C", call: "372.6 BU-H"),  // another register
    ]

    static func sighting(
        _ seq: Int64, _ barcode: String, at location: String, _ target: InventoryTarget?, _ condition: EquipmentCondition? = nil
    )
        -> InventorySighting
    {
        InventorySighting(seq: seq, barcode: barcode, location: location, target: target, condition: condition)
    }

    static let walk: [InventorySighting] = [
        sighting(1, "STK.000001", at: "KE-A", InventoryTarget(.book, 1)),
        sighting(2, "STK.000003", at: "KE-A", InventoryTarget(.book, 3)),
        sighting(3, "STK.000002", at: "KE-A", InventoryTarget(.book, 2)),
        sighting(4, "STK.000004", at: "KE-A", InventoryTarget(.book, 4)),
        sighting(5, "STK.000004", at: "KE-A", InventoryTarget(.book, 4)),
        sighting(6, "STK.000005", at: "KE-A", InventoryTarget(.book, 5)),
        sighting(7, "XYZ-123", at: "KE-A", nil),
        sighting(8, "XYZ-123", at: "KE-B", nil),
        sighting(9, "STK.000008", at: "KE-B", InventoryTarget(.book, 8)),
        sighting(10, "STK.000009", at: "KE-B", InventoryTarget(.book, 9)),
        sighting(11, "STK.000010", at: "KE-B", InventoryTarget(.book, 10)),
        sighting(12, "TB.000001", at: "Phòng KHTN", InventoryTarget(.equipment, 1), .good),
        sighting(13, "TB.000001", at: "Phòng KHTN", InventoryTarget(.equipment, 1), .broken),
        sighting(14, "SGK.000011", at: "KE-B", InventoryTarget(.book, 11)),
    ]

    func reconcile(_ scope: InventoryScope, _ walk: [InventorySighting] = Self.walk) -> InventoryReconciliation {
        var reconciler = InventoryReconciler(sightings: walk)
        for copy in Self.collection
        where scope.contains(kind: copy.kind, register: copy.register, location: copy.location, sortKey: copy.sortKey, status: copy.status)
        {
            reconciler.expect(copy.target, onLoan: copy.status == "on_loan") { (copy.location, copy.sortKey) }
        }
        return reconciler.finish()
    }

    func line(_ result: InventoryReconciliation, _ barcode: String) -> InventorySightedLine? {
        result.sighted.first { $0.barcode == barcode }
    }

    @Test func everyCategoryOnTheWholeCollection() {
        let result = reconcile(InventoryScope())
        let expected: [(String, InventoryCategory, InventoryNote?, Int)] = [
            ("STK.000001", .found, nil, 1),
            ("STK.000003", .misplaced, .order, 1),
            ("STK.000002", .found, nil, 1),
            ("STK.000004", .found, nil, 2),
            ("STK.000005", .misplaced, .location, 1),
            ("XYZ-123", .unknown, nil, 2),
            ("STK.000008", .found, .recordedOnLoan, 1),
            ("STK.000009", .found, nil, 1),
            ("STK.000010", .outsideScope, nil, 1),
            ("TB.000001", .found, nil, 2),
            ("SGK.000011", .misplaced, .location, 1),
        ]
        #expect(result.sighted.map(\.barcode) == expected.map(\.0), "one line per thing, in walk order")
        for (barcode, category, note, times) in expected {
            let got = line(result, barcode)
            #expect(got?.category == category && got?.note == note && got?.times == times, "\(barcode): \(String(describing: got))")
        }
        #expect(line(result, "TB.000001")?.condition == .broken, "the last condition said wins")
        #expect(line(result, "STK.000005")?.recordedLocation == "KE-B" && line(result, "STK.000005")?.location == "KE-A")
        #expect(result.missing == [InventoryTarget(.book, 6), InventoryTarget(.equipment, 2)])
        #expect(result.onLoan == [InventoryTarget(.book, 7)])
        var totals = InventoryTotals()
        (totals.found, totals.misplaced, totals.missing, totals.onLoan) = (6, 3, 2, 1)
        (totals.outsideScope, totals.unknown, totals.seenTwice) = (1, 1, 3)
        #expect(result.totals == totals)
    }

    @Test func aPartialScopeNeverMarksAnythingOutsideItMissing() {
        let shelfA = try! InventoryScope.parse(["location=KE-A"])
        let result = reconcile(shelfA)
        #expect(result.missing.isEmpty && result.onLoan.isEmpty)
        // Copy 5 belongs to KE-B: seen on KE-A it is outside this session, not misplaced, not missing.
        #expect(line(result, "STK.000005")?.category == .outsideScope)
        #expect(line(result, "STK.000008")?.category == .outsideScope)
        #expect(result.totals.found == 3 && result.totals.misplaced == 1)

        let shelfB = try! InventoryScope.parse(["location=KE-B"])
        let onB = reconcile(shelfB, Self.walk.filter { $0.location == "KE-B" })
        #expect(onB.missing == [InventoryTarget(.book, 5), InventoryTarget(.book, 6)])
        #expect(onB.onLoan == [InventoryTarget(.book, 7)])
        #expect(!onB.missing.contains(InventoryTarget(.book, 1)), "KE-A's copies are not this session's")
    }

    @Test func scopesByRegisterCallRangeAndKind() throws {
        let equipment = try InventoryScope.parse(["kind=equipment"])
        let units = reconcile(equipment)
        #expect(units.missing == [InventoryTarget(.equipment, 2)])
        #expect(line(units, "STK.000001")?.category == .outsideScope)

        let literature = try InventoryScope.parse(["call=800-899"])
        let books = reconcile(literature)
        #expect(books.missing.isEmpty)
        // Within this session KE-A holds 895.922 then 823: the first is out of order.
        #expect(line(books, "STK.000003")?.note == .order && line(books, "STK.000004")?.category == .found)
        #expect(line(books, "STK.000001")?.category == .outsideScope)
        #expect(line(books, "TB.000001")?.category == .outsideScope, "a call range leaves equipment out")

        let textbooks = try InventoryScope.parse(["register=SGK", "location=KE-*"])
        let sgk = reconcile(textbooks)
        #expect(sgk.totals.misplaced == 1 && sgk.totals.found == 0 && sgk.missing.isEmpty)
    }

    @Test func outOfShelfOrderIsWhatIsNotOnTheLongestOrderedRun() {
        #expect(InventoryReconciler.outOfOrder([]) == [])
        #expect(InventoryReconciler.outOfOrder(["1"]) == [false])
        #expect(InventoryReconciler.outOfOrder(["1", "2", "2", "3"]) == [false, false, false, false])
        #expect(InventoryReconciler.outOfOrder(["1", "9", "2", "3"]) == [false, true, false, false])
        #expect(InventoryReconciler.outOfOrder(["5", "1", "2", "3", "4"]) == [true, false, false, false, false])
        #expect(InventoryReconciler.outOfOrder(["1", "3", "2"]) == [false, true, false], "equal runs: the one ending lowest")
        // Keys compare as bytes, as SQLite orders them: "1823" < "1823914" < "1895".
        let keys = ["823 ROW", "823.914 ROW", "895.922334 NG-A"].map { try! CallNumber.parse($0).sortKey }
        #expect(InventoryReconciler.outOfOrder(keys) == [false, false, false])
        #expect(InventoryReconciler.outOfOrder(keys.reversed()) == [true, true, false])
    }

    @Test func aLongWalkIsReconciledInOnePass() {
        // 20,000 sightings against 200,000 expected: a smoke test of the streaming shape.
        let walk = (0..<20_000).map { Self.sighting(Int64($0), "B\($0)", at: "KE-\($0 / 500)", InventoryTarget(.book, Int64($0 * 10))) }
        var reconciler = InventoryReconciler(sightings: walk)
        for id in 0..<200_000 {
            reconciler.expect(InventoryTarget(.book, Int64(id)), onLoan: id % 1000 == 1) {
                let digits = String(id)
                return ("KE-\(id / 5000)", String(repeating: "0", count: 8 - digits.count) + digits)
            }
        }
        let result = reconciler.finish()
        #expect(result.totals.found + result.totals.misplaced == 20_000)
        #expect(result.totals.misplaced == 0)
        #expect(result.totals.onLoan == 200 && result.totals.missing == 180_000 - 200)
    }
}

@Suite struct InventoryScopeTests {
    @Test func termsParseCombineAndPrintBack() throws {
        let scope = try InventoryScope.parse(["location=KE-A*,register=stk", "call=800-899", "location=KE-B"])
        #expect(scope.locations == ["KE-A*", "KE-B"] && scope.registers == ["STK"] && scope.call?.text == "800-899")
        #expect(scope.text == "register=STK location=KE-A* location=KE-B call=800-899")
        #expect(try InventoryScope.parse(scope.terms) == scope)
        #expect(try InventoryScope.parse([]).isEverything)
        #expect(try InventoryScope.parse(["kind=thiết bị"]).kind == .equipment)
        #expect(try InventoryScope.parse(["call=823"]).call?.text == "823")
        #expect(try InventoryScope.parse(["call=53(075)-6"]).call?.text == "53(075)-6")
    }

    @Test func locationsMatchExactlyOrByPrefix() throws {
        let scope = try InventoryScope.parse(["location=KE-A*", "location=Phòng KHTN"])
        #expect(scope.contains(location: "KE-A01") && scope.contains(location: "KE-A") && scope.contains(location: "Phòng KHTN"))
        #expect(!scope.contains(location: "KE-B01") && !scope.contains(location: nil) && !scope.contains(location: "Phòng"))
    }

    @Test func theCallRangeIncludesSubdivisionsOfItsUpperEnd() throws {
        let scope = try InventoryScope.parse(["call=800-899"])
        func inScope(_ call: String) -> Bool {
            scope.contains(kind: .book, register: "STK", location: nil, sortKey: try! CallNumber.parse(call).sortKey, status: "available")
        }
        #expect(inScope("800") && inScope("823.914 ROW") && inScope("899.1") && inScope("895.922334 NG-A T.2"))
        #expect(!inScope("799.9") && !inScope("900") && !inScope("8(V)"))
        #expect(!scope.contains(kind: .book, register: "STK", location: nil, sortKey: nil, status: "available"), "no call number")
        #expect(!scope.contains(kind: .equipment, register: "TB", location: nil, sortKey: nil, status: "available"))
        #expect(!InventoryScope().contains(kind: .book, register: "STK", location: nil, sortKey: nil, status: "withdrawn"))
    }

    @Test func badTermsSayWhy() {
        let bad: [(String, String)] = [
            ("shelf=A", "unknown scope key 'shelf'"),
            ("location", "key=value"),
            ("location=", "key=value"),
            ("call=abc", "class number"),
            ("call=899-800", "backwards"),
            ("kind=chairs", "book or equipment"),
            ("register=S T K", "letters and digits"),
            ("location=*", "every location"),
        ]
        for (term, reason) in bad {
            do {
                _ = try InventoryScope.parse([term])
                Issue.record("\(term) was accepted")
            } catch {
                #expect(error.reason.contains(reason), "\(term): \(error.reason)")
            }
        }
        #expect(throws: InventoryScope.ParseError.self) { try InventoryScope.parse(["kind=equipment", "call=800-899"]) }
    }

    @Test func conditionsReadBothLanguages() {
        #expect(EquipmentCondition(text: "needs_repair") == .needsRepair)
        #expect(EquipmentCondition(text: "cần sửa") == .needsRepair)
        #expect(EquipmentCondition(text: "Hỏng") == .broken)
        #expect(EquipmentCondition(text: "tốt") == .good)
        #expect(EquipmentCondition(text: "so-so") == nil)
    }
}

@Suite struct CSVWriterTests {
    @Test func fieldsAreQuotedPerRFC4180AndLinesEndInCRLF() throws {
        let rows = [["Số", "Nhan đề"], ["STK.000001", "Truyện Kiều, tập 1"], ["STK.000002", "Nói \"không\""], ["", "hai\ndòng"]]
        let text = CSV.format(rows)
        #expect(text == "Số,Nhan đề\r\nSTK.000001,\"Truyện Kiều, tập 1\"\r\nSTK.000002,\"Nói \"\"không\"\"\"\r\n,\"hai\ndòng\"\r\n")
        #expect(try CSV.parse(text).map(\.fields) == rows)
        let bytes = CSV.spreadsheetBytes(rows)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(try CSV.parse(String(decoding: bytes, as: UTF8.self)).map(\.fields) == rows)
    }
}
