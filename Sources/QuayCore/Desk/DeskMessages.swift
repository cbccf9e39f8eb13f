/// The desk's short messages (SPEC §5: said at once, in the desk's language). Vietnamese
/// text is NFC; dates are dd/mm/yyyy in Vietnamese, ISO in English (SPEC §12).
enum DeskMessages {
    /// Codes are shown, not trusted: a stuck scanner's 256 bytes must not fill the display.
    static func short(_ code: String) -> String {
        code.count <= 40 ? code : String(code.prefix(39)) + "…"
    }

    static func vietnameseDate(_ iso: String) -> String {
        Day(String(iso.prefix(10)))?.vietnamese ?? iso
    }

    static func borrower(_ borrower: Borrower) -> Bilingual {
        switch borrower {
        case .card(let card): return Bilingual(vi: "thẻ \(short(card))", en: "card \(short(card))")
        case .class(let name, _): return Bilingual(vi: "lớp \(short(name))", en: "class \(short(name))")
        }
    }

    static func sessionOpening(_ borrower: Borrower) -> Bilingual {
        let who = self.borrower(borrower)
        return Bilingual(vi: "Mở phiên mượn cho \(who.vi)", en: "Opening a session for \(who.en)")
    }

    static func sessionOpened(_ summary: BorrowerSummary) -> Bilingual {
        let name = summary.className.map { "\(summary.name) (\($0))" } ?? summary.name
        var text = Bilingual(
            vi: "\(name): đang mượn \(summary.loans), quá hạn \(summary.overdue)",
            en: "\(name): \(summary.loans) on loan, \(summary.overdue) overdue")
        if let refusal = summary.refusal {
            text.vi += " — không cho mượn: " + refusal.vi
            text.en += " — no loans: " + refusal.en
        } else if summary.blocked {
            text.vi += " — thẻ đang bị khoá"
            text.en += " — card blocked"
        }
        return text
    }

    static func sessionEnded(name: String, loans: Int, idle: Bool) -> Bilingual {
        idle
            ? Bilingual(
                vi: "Hết thời gian chờ: kết thúc phiên của \(name), \(loans) lượt mượn",
                en: "Idle timeout: session for \(name) ended, \(loans) loan(s)")
            : Bilingual(vi: "Kết thúc phiên của \(name): \(loans) lượt mượn", en: "Session for \(name) ended: \(loans) loan(s)")
    }

    static let noSession = Bilingual(vi: "Không có phiên nào đang mở", en: "No session is open")
    static let noBorrower = Bilingual(vi: "Chưa có bạn đọc: quét thẻ trước", en: "No borrower yet: scan a card first")
    static let noTeacher = Bilingual(vi: "Chưa có giáo viên: quét thẻ giáo viên trước", en: "No teacher yet: scan a teacher's card first")
    static let noLocation = Bilingual(vi: "Chưa chọn kệ: quét mã kệ trước", en: "No shelf yet: scan a shelf code first")
    static let emptyLesson = Bilingual(vi: "Chưa quét thiết bị nào: huỷ lượt mượn theo tiết", en: "No units scanned: lesson loan cancelled")
    static let teachersOnly = Bilingual(vi: "Mượn theo tiết chỉ dành cho giáo viên", en: "Lesson loans are for teachers")
    static let unreadable = Bilingual(vi: "Quét lỗi, hãy quét lại", en: "Bad read, scan again")

    static func checkoutRequested(_ item: String) -> Bilingual {
        Bilingual(vi: "Cho mượn \(short(item))", en: "Lending \(short(item))")
    }

    static func lent(_ loan: LoanView) -> Bilingual {
        found(loan) + (loan.renewed
            ? Bilingual(
                vi: "Đã gia hạn: \(loan.title), hạn trả mới \(vietnameseDate(loan.due))",
                en: "Renewed: \(loan.title), now due \(loan.due.prefix(10))")
            : Bilingual(
                vi: "Đã cho mượn: \(loan.title), hạn trả \(vietnameseDate(loan.due))", en: "Lent: \(loan.title), due \(loan.due.prefix(10))"
            ))
    }

    /// A missing or lost copy that a scan found again, said before what the scan did.
    static func found(_ loan: LoanView) -> Bilingual {
        switch loan.found {
        case .lost?: Bilingual(vi: "Đã tìm lại bản bạn đọc làm mất, nay sẵn sàng. ", en: "A copy reported lost is found again. ")
        case _?: Bilingual(vi: "Đã tìm lại bản thất lạc, nay sẵn sàng. ", en: "A missing copy is found again. ")
        case nil: Bilingual(vi: "", en: "")
        }
    }

    static let nothingToUndo = Bilingual(vi: "Không có lượt mượn/trả nào để hoàn tác", en: "Nothing to undo")

    static func undoRequested(_ undo: DeskUndo) -> Bilingual {
        switch undo {
        case .loan(_, let item): Bilingual(vi: "Hoàn tác lượt mượn \(short(item))", en: "Undoing the loan of \(short(item))")
        case .return(_, let item): Bilingual(vi: "Hoàn tác lượt trả \(short(item))", en: "Undoing the return of \(short(item))")
        }
    }

    static func undone(_ undo: DeskUndo, _ loan: LoanView) -> Bilingual {
        switch undo {
        case .loan: Bilingual(vi: "Đã huỷ lượt mượn: \(loan.title)", en: "Loan undone: \(loan.title)")
        case .return: Bilingual(vi: "Đã huỷ lượt trả: \(loan.title) vẫn đang mượn", en: "Return undone: \(loan.title) is on loan again")
        }
    }

    static func checkinRequested(_ item: String) -> Bilingual {
        Bilingual(vi: "Nhận trả \(short(item))", en: "Returning \(short(item))")
    }

    static func returned(_ loan: LoanView) -> Bilingual {
        if loan.found != nil, loan.id == 0 {
            return found(loan) + Bilingual(vi: loan.title, en: loan.title)
        }
        var text = found(loan) + Bilingual(vi: "Đã trả: \(loan.title)", en: "Returned: \(loan.title)")
        if loan.overdueDays > 0 {
            text.vi += ", quá hạn \(loan.overdueDays) ngày"
            text.en += ", \(loan.overdueDays) day(s) overdue"
        }
        return text
    }

    static func lessonUnitReturnRequested(_ unit: String) -> Bilingual {
        Bilingual(vi: "Nhận lại thiết bị \(short(unit))", en: "Taking back unit \(short(unit))")
    }

    static func lessonReturned(_ unit: String) -> Bilingual {
        Bilingual(vi: "Đã nhận lại thiết bị \(short(unit))", en: "Unit \(short(unit)) is back")
    }

    static func lessonTeacher(_ card: String) -> Bilingual {
        Bilingual(
            vi: "Mượn theo tiết: giáo viên \(short(card)); quét thẻ lớp rồi thiết bị",
            en: "Lesson loan: teacher \(short(card)); scan a class card, then the units")
    }

    static func lessonClass(_ name: String) -> Bilingual {
        Bilingual(vi: "Lớp \(short(name)); quét thiết bị", en: "Class \(short(name)); scan the units")
    }

    static func lessonUnit(_ unit: String, count: Int) -> Bilingual {
        Bilingual(vi: "Thêm thiết bị \(short(unit)) (\(count))", en: "Added unit \(short(unit)) (\(count))")
    }

    static func duplicateUnit(_ unit: String) -> Bilingual {
        Bilingual(vi: "Thiết bị \(short(unit)) đã có trong lượt mượn", en: "Unit \(short(unit)) is already in this lesson loan")
    }

    static func lessonCommitting(_ lesson: DeskLesson, idle: Bool) -> Bilingual {
        let count = lesson.units.count
        let card = short(lesson.teacherCard)
        return idle
            ? Bilingual(
                vi: "Hết thời gian chờ: ghi mượn \(count) thiết bị cho giáo viên \(card)",
                en: "Idle timeout: recording \(count) unit(s) lent to teacher \(card)")
            : Bilingual(vi: "Ghi mượn \(count) thiết bị cho giáo viên \(card)", en: "Recording \(count) unit(s) lent to teacher \(card)")
    }

    static func lessonLent(_ lesson: LessonView) -> Bilingual {
        Bilingual(
            vi: "Đã ghi mượn theo tiết: \(lesson.teacher), \(lesson.units.count) thiết bị",
            en: "Lesson loan recorded: \(lesson.teacher), \(lesson.units.count) unit(s)")
    }

    static func locationSet(_ location: String) -> Bilingual {
        Bilingual(vi: "Kệ \(short(location))", en: "Shelf \(short(location))")
    }

    static func shelfClosed(_ location: String) -> Bilingual {
        Bilingual(vi: "Đã xong kệ \(short(location))", en: "Shelf \(short(location)) closed")
    }

    static func inventoryRequested(_ item: String, at location: String) -> Bilingual {
        Bilingual(vi: "Kiểm kê \(short(item)) tại \(short(location))", en: "Inventory: \(short(item)) at \(short(location))")
    }

    static func inventoryRecorded(_ item: String, at location: String, found: ItemStatus? = nil) -> Bilingual {
        let recorded = Bilingual(vi: "Đã ghi nhận \(short(item)) tại \(short(location))", en: "Recorded \(short(item)) at \(short(location))")
        switch found {
        case .lost?: return recorded + Bilingual(vi: " — bản bạn đọc làm mất đã tìm lại, nay sẵn sàng", en: " — reported lost, found again")
        case _?: return recorded + Bilingual(vi: " — bản thất lạc đã tìm lại, nay sẵn sàng", en: " — was missing, found again")
        case nil: return recorded
        }
    }

    static func spineRequested(_ item: String) -> Bilingual {
        Bilingual(vi: "In nhãn gáy cho \(short(item))", en: "Printing the spine label for \(short(item))")
    }

    static func spineQueued(_ item: String) -> Bilingual {
        Bilingual(vi: "Đã đưa nhãn gáy \(short(item)) vào hàng in", en: "Spine label for \(short(item)) queued")
    }

    static func lookupRequested(_ code: String) -> Bilingual {
        Bilingual(vi: "Tra cứu \(short(code))", en: "Looking up \(short(code))")
    }

    static func modeChanged(_ mode: DeskMode) -> Bilingual {
        Bilingual(vi: "Chế độ: \(mode.name.vi)", en: "Mode: \(mode.name.en)")
    }

    static func doubleRead(_ code: String) -> Bilingual {
        Bilingual(vi: "Quét trùng \(short(code)): bỏ qua", en: "Double read of \(short(code)): ignored")
    }

    static func unknownCommand(_ code: String) -> Bilingual {
        Bilingual(vi: "Mã lệnh không hợp lệ: \(short(code))", en: "Unknown command barcode: \(short(code))")
    }

    static func invalidCheckDigit(_ code: String) -> Bilingual {
        Bilingual(vi: "Sai số kiểm tra: \(short(code))", en: "Wrong check digit: \(short(code))")
    }

    static func unrecognised(_ code: String) -> Bilingual {
        Bilingual(vi: "Không nhận ra mã \(short(code))", en: "Unrecognised code \(short(code))")
    }

    static func kind(_ category: BarcodeCategory) -> Bilingual {
        switch category {
        case .patron: return Bilingual(vi: "Thẻ bạn đọc", en: "A patron card")
        case .classCard: return Bilingual(vi: "Thẻ lớp", en: "A class card")
        case .item: return Bilingual(vi: "Mã sách", en: "An item")
        case .equipmentUnit: return Bilingual(vi: "Mã thiết bị", en: "An equipment unit")
        case .location: return Bilingual(vi: "Mã kệ", en: "A shelf code")
        }
    }

    static func notForThisMode(_ category: BarcodeCategory, _ mode: DeskMode) -> Bilingual {
        let kind = kind(category)
        return Bilingual(
            vi: "\(kind.vi) không dùng ở chế độ \(mode.name.vi)", en: "\(kind.en) means nothing in \(mode.name.en) mode")
    }
}
