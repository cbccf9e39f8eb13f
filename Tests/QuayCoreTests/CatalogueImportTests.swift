import QuayCore
import Testing

/// The pure half of the catalogue import (SPEC §10): headers named as staff name them, values
/// read as they type them, rows of one title made one record, each bad row said with its line
/// and column.
@Suite struct CatalogueImportTests {
    @Test func headersAreReadByTheirVietnameseOrEnglishNamesAndByHand() throws {
        let header = ["STT", "Số ĐKCB", "Tên sách", "TÁC GIẢ", "Năm XB", "Giá bìa", "Môn loại", "Kệ số"]
        let mapping = try CataloguePlanner.mapping(header: header, overrides: ["Kệ số": "location"])
        #expect(mapping == [1: .accession, 2: .title, 3: .authors, 4: .year, 5: .price, 6: .classNumber, 7: .location])
        #expect(ImportField.named("Ngày vào sổ") == .receivedOn && ImportField.named("Mã vạch") == .barcode && ImportField.named("Nhan đề") == .title)
        #expect(throws: ImportMappingError.self) { try CataloguePlanner.mapping(header: ["Số ĐKCB", "Tác giả"]) }
        #expect(throws: ImportMappingError.self) { try CataloguePlanner.mapping(header: ["Tên", "X"], overrides: ["X": "colour"]) }
    }

    @Test func valuesAreReadAsStaffTypeThem() {
        #expect(ImportValues.price("85.000") == 85_000 && ImportValues.price("85000đ") == 85_000 && ImportValues.price("85,000 VNĐ") == 85_000)
        #expect(ImportValues.price("tám mươi") == nil && ImportValues.price("-5") == nil)
        #expect(ImportValues.day("05/09/2020") == "2020-09-05" && ImportValues.day("2020-09-05") == "2020-09-05" && ImportValues.day("5.9.2020") == "2020-09-05")
        #expect(ImportValues.day("31/02/2020") == nil && ImportValues.day("hôm qua") == nil)
        #expect(ImportValues.kind("Sách giáo khoa") == .textbook && ImportValues.kind("STK") == .reference && ImportValues.kind("periodical") == .periodical)
        #expect(ImportValues.status("Mất") == .lost && ImportValues.status("on_loan") == .available && ImportValues.status("damaged") == .damaged)
        #expect(ImportValues.authors("Nguyễn Nhật Ánh; Trần Văn A") == ["Nguyễn Nhật Ánh", "Trần Văn A"])
        #expect(CataloguePlanner.columnName(0) == "A" && CataloguePlanner.columnName(25) == "Z" && CataloguePlanner.columnName(27) == "AB")
    }

    @Test func rowsOfOneTitleBecomeOneRecordAndBadRowsAreSaid() throws {
        let header = ["Số ĐKCB", "Nhan đề", "Tác giả", "Giá", "Năm XB", "ISBN", "Ký hiệu phân loại"]
        let planner = CataloguePlanner(mapping: try CataloguePlanner.mapping(header: header))
        let rows: [(line: Int, cells: [String])] = [
            (2, ["STK.000001", "Mắt biếc", "Nguyễn Nhật Ánh", "85.000", "2019", "", "895.92234"]),
            (3, ["STK.000002", "MẮT BIẾC", "Nguyễn Nhật Ánh", "85.000", "2019", "", "895.92234"]),
            (4, ["STK.000003", "", "Ai đó", "", "", "", ""]),
            (5, ["STK.000004", "Cho tôi xin một vé đi tuổi thơ", "Nguyễn Nhật Ánh", "giá", "", "", ""]),
            (6, ["12", "Kính vạn hoa", "", "", "", "", ""]),
            (7, ["", "", "", "", "", "", ""]),
            (8, ["STK.000009", "Dế Mèn phiêu lưu ký", "Tô Hoài", "", "1941", "978-604-2-12345-9", ""]),
            (9, ["STK.000010", "Số đỏ", "", "", "19xx", "", ""]),
        ]
        let (records, problems) = planner.plan(rows)
        // Mắt biếc twice (the title compared without case or diacritics): one record, two copies.
        #expect(records.map(\.title) == ["Mắt biếc"])
        #expect(records[0].copies.map { $0.accession?.number } == [1, 2] && records[0].price == 85_000)
        #expect(records[0].callNumber?.text == "895.92234 NG-A", "\(String(describing: records[0].callNumber?.text))")
        #expect(problems.map(\.line) == [4, 5, 6, 8, 9])
        #expect(problems.map(\.column) == ["B", "D", "A", "F", "E"])
        #expect(problems[1].reason.vi == "giá giá không đọc được" && problems[1].reason.en == "the price giá is not an amount")
        #expect(problems[3].reason.en == "the ISBN 978-604-2-12345-9 is not valid")
    }

    @Test func aTitleRowWithCopiesIsNumberedInItsRegister() throws {
        let planner = CataloguePlanner(mapping: try CataloguePlanner.mapping(header: ["Tên sách", "Số bản", "Loại"]), defaultRegister: nil)
        let (records, problems) = planner.plan([(2, ["Toán 6", "30", "SGK"]), (3, ["Văn 6", "3", ""]), (4, ["Sử 6", "0", "SGK"])])
        #expect(records.count == 1 && records[0].kind == .textbook && records[0].copies.first?.count == 30)
        #expect(problems.map(\.line) == [3, 4], "no register for Văn 6; 0 copies")
    }
}
