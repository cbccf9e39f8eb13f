import QuayCore
import Testing

@Suite struct BarcodePatternTests {
    @Test(arguments: [
        ("HS######", "HS000123", true),
        ("HS######", "HS00012", false),  // anchored: the whole code
        ("HS######", "HS0001234", false),
        ("HS######", "hs000123", false),  // literals are case-sensitive
        ("HS######", "HS00012A", false),
        ("HS######", "HS００0123", false),  // digits are ASCII digits
        ("GV####", "GV0042", true),
        ("@@.######", "TN.001234", true),
        ("@@.######", "T1.001234", false),
        ("??-#", "A😀-1", true),  // `?` is one character, whatever it is
        ("KE-*", "KE-", true),  // `*` may be empty
        ("KE-*", "KE-A01", true),
        ("KE-*", "XKE-A01", false),
        ("*-*-*", "A-B-C-D", true),
        ("\\#\\*#", "#*5", true),
        ("\\#\\*#", "1*5", false),
        ("LOP:**", "LOP:6A", true),
    ])
    func shapes(template: String, code: String, matches: Bool) {
        #expect((BarcodePattern(template)!.match(code) != nil) == matches)
    }

    @Test func theFirstRunIsCaptured() {
        #expect(BarcodePattern("LOP:*")!.match("LOP:10A1") == "10A1")
        #expect(BarcodePattern("C*-*")!.match("C6A-2026") == "6A")
        #expect(BarcodePattern("HS######")!.match("HS000123") == "HS000123")  // no `*`: the whole code
    }

    @Test func badTemplatesAreRefused() {
        #expect(BarcodePattern("") == nil)
        #expect(BarcodePattern("HS\\") == nil)
        #expect(BarcodePattern("**")?.match("") == "")
    }

    @Test func manyRunsStayFast() {
        // Without memoised failures this would take exponential time.
        let pattern = BarcodePattern("*a*a*a*a*a*a*a*a*b")!
        #expect(pattern.match(String(repeating: "a", count: 256)) == nil)
        #expect(pattern.match(String(repeating: "a", count: 255) + "b") != nil)
    }

    @Test func descriptionsSayTheCheck() {
        #expect(BarcodePattern("##############", check: .libraryCodabar)!.description == "############## (library_codabar)")
        #expect(BarcodePattern("HS######")!.description == "HS######")
    }
}

@Suite struct BarcodeClassifierTests {
    let standard = BarcodeClassifier.standard

    @Test func theStandardRules() {
        #expect(standard.classify("HS000123") == .patron(card: "HS000123", kind: .pupil))
        #expect(standard.classify("GV0042") == .patron(card: "GV0042", kind: .teacher))
        #expect(standard.classify("LOP:6a") == .classCard(name: "6A"))
        #expect(standard.classify("LOP:") == .unrecognised("LOP:"))  // a class card without a class
        #expect(standard.classify("KE-A01") == .location("KE-A01"))
        #expect(standard.classify("TB.000012") == .equipmentUnit("TB.000012"))
        #expect(standard.classify("STK.000045") == .item("STK.000045"))
        #expect(standard.classify("9786042123457") == .item("9786042123457"))
    }

    @Test func commands() {
        for mode in DeskMode.allCases {
            #expect(standard.classify("QUAY:MODE:" + mode.rawValue.uppercased()) == .command(.mode(mode)))
            #expect(DeskCommand.mode(mode).barcode == "QUAY:MODE:" + mode.rawValue.uppercased())
        }
        #expect(standard.classify("QUAY:END") == .command(.end))
        #expect(standard.classify("QUAY:MODE:checkout") == .unknownCommand("QUAY:MODE:checkout"))
        #expect(standard.classify("QUAY:END:NOW") == .unknownCommand("QUAY:END:NOW"))
    }

    @Test func rulesAreTriedInOrderAndChecksRefuse() {
        let classifier = BarcodeClassifier(rules: [
            .init(BarcodePattern("##############", check: .libraryCodabar)!, .patron),
            .init(BarcodePattern("#############", check: .isbn)!, .item),
            .init(BarcodePattern("*")!, .location),
        ])
        #expect(classifier.classify("33191000105864") == .patron(card: "33191000105864", kind: nil))
        #expect(classifier.classify("33191000105865") == .badCheckDigit("33191000105865", .patron))
        #expect(classifier.classify("9786042123457") == .item("9786042123457"))
        #expect(classifier.classify("9786042123456") == .badCheckDigit("9786042123456", .item))
        #expect(classifier.classify("KE-A01") == .location("KE-A01"))
    }

    @Test(arguments: BarcodePattern.Check.allCases)
    func everyCheckHasAValidExample(check: BarcodePattern.Check) {
        let valid = [
            BarcodePattern.Check.none: "anything", .libraryCodabar: "30234000517861", .ean13: "8935235228351", .isbn: "0306406152",
            .code39Mod43: "CODE39W",
        ][check]!
        let pattern = BarcodePattern("*", check: check)!
        #expect(BarcodeClassifier(rules: [.init(pattern, .item)]).classify(valid) == .item(valid))
        if check != .none {
            #expect(BarcodeClassifier(rules: [.init(pattern, .item)]).classify("0000000000001") == .badCheckDigit("0000000000001", .item))
        }
    }
}
