import QuayCore
import Testing

@Suite struct TextTests {
    @Test func nfcJoinsCombiningMarks() {
        let decomposed = "Nguye\u{0302}\u{0303}n"  // e + circumflex + tilde
        #expect(decomposed.unicodeScalars.count == 8)
        let composed = VietnameseText.nfc(decomposed)
        #expect(composed == "Nguyễn")
        #expect(composed.unicodeScalars.count == 6)
    }

    @Test func displayWidthCountsLettersNotMarks() {
        #expect(VietnameseText.displayWidth("Nguyễn Văn An") == 13)
        #expect(VietnameseText.displayWidth("Nguye\u{0302}\u{0303}n") == 6)
        #expect(VietnameseText.displayWidth("漢字") == 4)
    }

    @Test func tablesAlignByDisplayWidth() {
        let table = TextTable(rows: [["Đặng Thị Ánh", "6A"], ["Lê Ư", "10A1"], ["Nguye\u{0302}\u{0303}n", "7B"]])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines == ["Đặng Thị Ánh  6A", "Lê Ư          10A1", "Nguye\u{0302}\u{0303}n        7B"])
    }

    @Test func languageFromTagsAndLocale() {
        #expect(Language(tag: "vi_VN.UTF-8") == .vi)
        #expect(Language(tag: "en_US.UTF-8") == .en)
        #expect(Language(tag: "C.UTF-8") == .en)
        #expect(Language(tag: "fr") == nil)
        #expect(Language.fromEnvironment(["LANG": "vi_VN.UTF-8"]) == .vi)
        #expect(Language.fromEnvironment(["LC_ALL": "C", "LANG": "vi_VN.UTF-8"]) == .en)
        #expect(Language.fromEnvironment([:]) == .en)
    }
}
