import Foundation
import QuayClient
import QuayProtocol
import Testing

/// Equipment and lesson loans through the real quay and quayd.
@Suite struct EquipmentTests {
    @Test func aTeacherBorrowsAMicroscopeSetForPeriodThreeAndReturnsOneUnitDamaged() throws {
        let daemon = try DaemonHarness()
        #expect(try daemon.quay(["patron", "add", "--card", "GV0001", "--name", "Phạm Thị Hoa", "--kind", "teacher"]).status == 0)
        #expect(try daemon.quay(["class", "add", "8A"]).status == 0)
        let added = try daemon.quay([
            "equipment", "add", "--code", "KHV6", "--name", "Bộ kính hiển vi", "--unit", "bộ", "--units", "4",
            "--room", "Phòng thực hành KHTN", "--json",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("\"accession\":\"TB.000004\""))
        #expect(try daemon.quay(["equipment", "add", "--code", "ONGNGHIEM", "--name", "Ống nghiệm", "--quantity", "50"]).status == 0)
        let lent = try daemon.quay([
            "lesson", "lend", "--teacher", "GV0001", "--class", "8A", "--subject", "Khoa học tự nhiên", "--period", "3",
            "--title", "Quan sát tế bào", "TB.000001", "TB.000002", "TB.000003", "ONGNGHIEM=10", "--lang", "vi",
        ])
        #expect(lent.status == 0, "\(lent.stderr)")
        #expect(lent.stdout.contains("Tiết 3 ngày "))
        #expect(lent.stdout.contains("Phạm Thị Hoa (GV0001), lớp 8A, Khoa học tự nhiên: Quan sát tế bào — đang mượn (số 1)"))
        // Out with the teacher: nobody else can have them, and a pupil cannot hold a lesson loan.
        #expect(try daemon.quay(["patron", "add", "--card", "HS000001", "--name", "Lê Ư"]).status == 0)
        let pupil = try daemon.quay(["lesson", "lend", "--teacher", "HS000001", "--period", "4", "TB.000004"])
        #expect(pupil.status == 1 && pupil.stderr.contains("[invalid_argument]"))
        let again = try daemon.quay(["lesson", "lend", "--teacher", "GV0001", "--period", "4", "TB.000002"])
        #expect(again.status == 1 && again.stderr.contains("[item_on_loan]"))
        let tooMany = try daemon.quay(["lesson", "lend", "--teacher", "GV0001", "--period", "4", "ONGNGHIEM=41"])
        #expect(tooMany.status == 1 && tooMany.stderr.contains("[limit_reached]"))
        let returned = try daemon.quay(["lesson", "return", "--damaged", "TB.000002", "ONGNGHIEM=2", "--lang", "vi"])
        #expect(returned.status == 0, "\(returned.stderr)")
        #expect(returned.stdout.contains("đã trả (số 1)"))
        #expect(returned.stdout.contains("TB.000002       Bộ kính hiển vi  hư hỏng"))
        #expect(returned.stdout.contains("ONGNGHIEM × 10  Ống nghiệm       trả 8, dùng hết 2, mất 0"))
        let units = try daemon.quay(["equipment", "units", "KHV6", "--lang", "en"])
        #expect(units.stdout.contains("TB.000002  needs repair  available"))
        #expect(units.stdout.contains("TB.000001  good          available"))
        let stock = try daemon.quay(["equipment", "show", "ONGNGHIEM", "--json"])
        #expect(stock.stdout.contains("\"quantity\":48"))
        let twice = try daemon.quay(["lesson", "return", "--lesson", "1"])
        #expect(twice.status == 1 && twice.stderr.contains("[not_on_loan]"))
        let found = try daemon.quay(["equipment", "find", "kinh hien vi"])
        #expect(found.stdout.contains("KHV6"))
    }
}
