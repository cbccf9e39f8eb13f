import QuayCore
import Testing

@Suite struct IdentifierTests {
    @Test func isbn10BecomesIsbn13() {
        #expect(Identifiers.normalizedISBN("0306406152") == "9780306406157")
        #expect(Identifiers.normalizedISBN("0-306-40615-2") == "9780306406157")
        #expect(Identifiers.normalizedISBN("080442957X") == "9780804429573")
        #expect(Identifiers.normalizedISBN("978-604-2-12345-6") == nil)  // wrong check digit
        #expect(Identifiers.normalizedISBN("978-604-2-12345-7") == "9786042123457")
        #expect(Identifiers.normalizedISBN("9780306406157") == "9780306406157")
    }

    @Test(arguments: ["0306406151", "9780306406158", "030640615", "03064061522", "X306406152", "1234567890123", "abcdefghij"])
    func badISBNsAreRefused(text: String) {
        #expect(Identifiers.normalizedISBN(text) == nil)
    }

    @Test func libraryCodabarCheckDigits() {
        #expect(Identifiers.isValidLibraryCodabar("30234000517861"))
        #expect(Identifiers.isValidLibraryCodabar("33191000105864"))
        #expect(!Identifiers.isValidLibraryCodabar("30234000517862"))
        #expect(!Identifiers.isValidLibraryCodabar("3023400051786"))
        #expect(!Identifiers.isValidLibraryCodabar("3023400051786A"))
        #expect(Identifiers.libraryCodabarCheckDigit("3023400051786") == 1)
    }

    @Test func ean13() {
        #expect(Identifiers.isValidEAN13("8935235228351"))
        #expect(Identifiers.ean13CheckDigit("893523522835") == 1)
        #expect(!Identifiers.isValidEAN13("8935235228352"))
    }

    @Test func code39Mod43() {
        // "CODE39": C12 O24 D13 E14 3 9 → 75 → 75 mod 43 = 32 → "W"
        #expect(Identifiers.code39CheckCharacter("CODE39") == "W")
        #expect(Identifiers.isValidCode39Mod43("CODE39W"))
        #expect(!Identifiers.isValidCode39Mod43("CODE39X"))
        #expect(Identifiers.code39CheckCharacter("stk") == nil)  // lower case is not Code 39
    }
}

@Suite struct VietnameseCollationTests {
    @Test func foldingForSearch() {
        #expect(VietnameseText.fold("Nguyễn Văn An") == "nguyen van an")
        #expect(VietnameseText.fold("ĐẶNG  Thị Ánh ") == "dang thi anh")
        #expect(VietnameseText.fold("Nguye\u{0302}\u{0303}n") == "nguyen")
        #expect(VietnameseText.searchWords("Lê Ư, 6A") == ["le", "u", "6a"])
    }

    @Test func peopleSortByGivenNameThenFamily() {
        let names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Ư", "Đặng Thị Ánh", "Nguyễn Văn An", "Phạm Ân", "Võ Đức Dũng", "Hà Văn Dung"]
        #expect(VietnameseCollation.sortNames(names) == [
            "Nguyễn Văn An", "Trần Thị An", "Đặng Thị Ánh", "Phạm Ân", "Nguyễn Văn Bình", "Hà Văn Dung",
            "Võ Đức Dũng", "Lê Ư",
        ])
    }

    @Test func alphabetAndTones() {
        // a < ă < â; d < đ; o < ô < ơ; u < ư; tones: none, huyền, hỏi, ngã, sắc, nặng.
        let words = ["ư", "u", "ơ", "ô", "o", "đ", "d", "â", "ă", "a", "ạ", "á", "ã", "ả", "à"]
        let sorted = words.sorted { VietnameseCollation.wordKey($0).lexicographicallyPrecedes(VietnameseCollation.wordKey($1)) }
        #expect(sorted == ["a", "à", "ả", "ã", "á", "ạ", "ă", "â", "d", "đ", "o", "ô", "ơ", "u", "ư"])
        // A word sorts before its extensions; NFD and NFC are the same name.
        #expect(VietnameseCollation.wordKey("An").lexicographicallyPrecedes(VietnameseCollation.wordKey("Anh")))
        #expect(VietnameseCollation.nameKey("Nguye\u{0302}\u{0303}n An") == VietnameseCollation.nameKey("Nguyễn An"))
    }
}
