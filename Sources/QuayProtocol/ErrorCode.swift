import QuayCore

/// The stable error codes of the protocol (SPEC §8.2). Clients act on the code; the message
/// is for people. Every code is listed with its meaning in docs/protocol.md, and a test keeps
/// that list and this enum equal.
public enum ErrorCode: String, Sendable, Codable, CaseIterable {
    /// The line is not a JSON object, or a field has the wrong type or is missing.
    case badRequest = "bad_request"
    /// The request asks for a protocol version this daemon does not speak.
    case unsupportedVersion = "unsupported_version"
    /// No op of that name.
    case unknownOp = "unknown_op"
    /// The line is longer than 1 MiB; it was skipped.
    case frameTooLarge = "frame_too_large"
    /// The peer's user and groups do not allow this op (SPEC §8.4).
    case permissionDenied = "permission_denied"
    /// The daemon already serves as many connections as it may, none of them idle.
    case tooManyConnections = "too_many_connections"
    /// The daemon is stopping and takes no new requests.
    case shuttingDown = "shutting_down"
    /// Something failed inside the daemon; its log says what.
    case internalError = "internal"
    /// An argument is out of range or of the wrong form; the message says which.
    case invalidArgument = "invalid_argument"
    /// An ISBN with the wrong length, characters or check digit.
    case invalidISBN = "invalid_isbn"
    /// A call number that is neither DDC nor the school classification.
    case invalidCallNumber = "invalid_call_number"
    /// No register with that code.
    case unknownRegister = "unknown_register"
    /// Another patron already has that card number.
    case duplicateCard = "duplicate_card"
    /// The school year already has a class of that name.
    case duplicateClass = "duplicate_class"
    /// Another copy already carries that barcode.
    case duplicateBarcode = "duplicate_barcode"
    /// No record, copy, patron or class matches.
    case notFound = "not_found"
    /// A CSV file that cannot be read at all (a row-level fault is reported per row instead).
    case invalidCSV = "invalid_csv"
    /// A checkout names neither a patron nor a class.
    case noBorrower = "no_borrower"
    /// No copy has that barcode or accession number.
    case unknownItem = "unknown_item"
    /// No patron has that card.
    case unknownPatron = "unknown_patron"
    /// No class of that name in the school year.
    case unknownClass = "unknown_class"
    /// The card is blocked or the patron has left.
    case borrowerBlocked = "borrower_blocked"
    /// The borrower holds an overdue item and the policy refuses new loans until it is back.
    case borrowerHasOverdue = "borrower_has_overdue"
    /// The policy does not lend this material to this borrower (reference only, equipment).
    case notLoanable = "not_loanable"
    /// The copy is missing, damaged or withdrawn.
    case itemUnavailable = "item_unavailable"
    /// The copy is lent to someone else.
    case itemOnLoan = "item_on_loan"
    /// The borrower holds as many loans as the policy allows.
    case limitReached = "limit_reached"
    /// The loan has been renewed as often as the policy allows.
    case renewalLimit = "renewal_limit"
    /// The copy is not on loan, so there is nothing to return or renew.
    case notOnLoan = "not_on_loan"
    /// The equipment catalogue already has that code.
    case duplicateEquipment = "duplicate_equipment"
    /// A label template is malformed: an unknown key or field, a box outside the label…
    case templateInvalid = "template_invalid"
    /// No built-in or configured label template of that name.
    case unknownTemplate = "unknown_template"
    /// The text has characters, or a length, the barcode symbology cannot carry.
    case barcodeUnencodable = "barcode_unencodable"
    /// The barcode does not fit its box even at one printer dot per module.
    case barcodeTooWide = "barcode_too_wide"
    /// A configured font file is missing or unreadable.
    case fontMissing = "font_missing"
    /// A character that neither the label font nor a fallback font can draw.
    case glyphMissing = "glyph_missing"
    /// No printer is configured for this (no `[[printer]]`, or none for the template).
    case printerNotConfigured = "printer_not_configured"
    /// No configured printer of that name.
    case unknownPrinter = "unknown_printer"
    /// No print job with that number.
    case unknownJob = "unknown_job"
    /// The job's state does not allow it (a done job is reprinted, not retried…).
    case jobState = "job_state"
    /// An inventory scan or count, a close or a report, with no inventory session open (or none yet).
    case inventoryNotOpen = "inventory_not_open"
    /// An inventory session is already open; one at a time.
    case inventoryAlreadyOpen = "inventory_already_open"
    /// The inventory session is still open: close it before its report or apply.
    case inventoryNotClosed = "inventory_not_closed"
    /// The inventory session's result has been applied already.
    case inventoryAlreadyApplied = "inventory_already_applied"
    /// An inventory scope term that cannot be read: an unknown key, a bad call range…
    case invalidScope = "invalid_scope"
    /// A copy, unit or count the open inventory session does not cover.
    case outsideScope = "outside_scope"
    /// The disk under the database is full: nothing was written; free space and try again.
    case diskFull = "disk_full"
    /// The database cannot be written (its file or file system is read-only): nothing was written.
    case databaseReadOnly = "database_read_only"
    /// Reading or writing the database failed at the disk: nothing was written.
    case storageFailed = "storage_error"
    /// The card was replaced by a new one (a lost card): it is refused from then on.
    case cardReplaced = "card_replaced"
    /// The disposal is not open (it was confirmed or cancelled): it cannot change any more.
    case disposalState = "disposal_state"
    /// A copy or unit of the disposal is still on loan: settle the loan (return, or lost) first.
    case disposalHasLoans = "disposal_has_loans"
    /// The school-year rollover to that year has been applied already.
    case rolloverDone = "rollover_done"
    /// The equipment (a chemical) is past its expiry date: not lent, but disposed of.
    case equipmentExpired = "equipment_expired"
    /// Nothing of this desk session can be undone (QUAY:UNDO), or it changed since.
    case nothingToUndo = "nothing_to_undo"
    /// No report of that name (`report.list` names them).
    case unknownReport = "unknown_report"
    /// A filter the report does not take, or one that cannot be read (a date range the wrong way round).
    case invalidFilter = "invalid_filter"
    /// A file to import that cannot be read at all: not the format it claims, over a limit
    /// (size, rows, an XLSX's uncompressed size), or without a column the import needs.
    case invalidImportFile = "invalid_import_file"
    /// A staff account of that name exists already.
    case duplicateStaff = "duplicate_staff"
    /// No staff account has that name and password (the same code for both, so that names are not guessed).
    case wrongPassword = "wrong_password"

    /// The message for people, in the request's language.
    public func message(_ language: Language) -> String {
        let text: Bilingual
        switch self {
        case .badRequest:
            text = Bilingual(vi: "Yêu cầu không hợp lệ", en: "Bad request")
        case .unsupportedVersion:
            text = Bilingual(vi: "Phiên bản giao thức không được hỗ trợ", en: "Unsupported protocol version")
        case .unknownOp:
            text = Bilingual(vi: "Không có thao tác này", en: "Unknown operation")
        case .frameTooLarge:
            text = Bilingual(vi: "Dòng yêu cầu dài quá 1 MiB", en: "Request line longer than 1 MiB")
        case .permissionDenied:
            // The groups are the daemon's own ([access]); it names them in the detail.
            text = Bilingual(vi: "Không có quyền", en: "Permission denied")
        case .tooManyConnections:
            text = Bilingual(vi: "Quá nhiều kết nối tới quayd", en: "Too many connections to quayd")
        case .shuttingDown:
            text = Bilingual(vi: "quayd đang dừng", en: "quayd is shutting down")
        case .internalError:
            text = Bilingual(vi: "Lỗi bên trong quayd; xem nhật ký", en: "Internal error in quayd; see its log")
        case .invalidArgument:
            text = Bilingual(vi: "Tham số không hợp lệ", en: "Invalid argument")
        case .invalidISBN:
            text = Bilingual(vi: "ISBN sai (độ dài, ký tự hoặc số kiểm tra)", en: "Invalid ISBN (length, characters or check digit)")
        case .invalidCallNumber:
            text = Bilingual(vi: "Ký hiệu xếp giá không hợp lệ", en: "Invalid call number")
        case .unknownRegister:
            text = Bilingual(vi: "Không có sổ đăng ký này", en: "No such register")
        case .duplicateCard:
            text = Bilingual(vi: "Số thẻ này đã được dùng", en: "That card number is already in use")
        case .duplicateClass:
            text = Bilingual(vi: "Lớp này đã có trong năm học", en: "That class already exists in the school year")
        case .duplicateBarcode:
            text = Bilingual(vi: "Mã vạch này đã được dùng", en: "That barcode is already in use")
        case .notFound:
            text = Bilingual(vi: "Không tìm thấy", en: "Not found")
        case .invalidCSV:
            text = Bilingual(vi: "Không đọc được tệp CSV", en: "Cannot read the CSV file")
        case .noBorrower:
            text = Bilingual(vi: "Chưa có bạn đọc: quét thẻ trước", en: "No borrower yet: scan a card first")
        case .unknownItem:
            text = Bilingual(vi: "Không có sách/thiết bị mang mã này", en: "Unknown item")
        case .unknownPatron:
            text = Bilingual(vi: "Không có thẻ bạn đọc này", en: "Unknown card")
        case .unknownClass:
            text = Bilingual(vi: "Không có lớp này", en: "Unknown class")
        case .borrowerBlocked:
            text = Bilingual(vi: "Thẻ đang bị khoá", en: "The card is blocked")
        case .borrowerHasOverdue:
            text = Bilingual(vi: "Bạn đọc đang giữ sách quá hạn", en: "The borrower holds overdue items")
        case .notLoanable:
            text = Bilingual(vi: "Tài liệu này không cho mượn về", en: "This item is not for loan")
        case .itemUnavailable:
            text = Bilingual(vi: "Bản này không trong lưu thông", en: "This copy is out of circulation")
        case .itemOnLoan:
            text = Bilingual(vi: "Sách đang được người khác mượn", en: "The item is on loan to someone else")
        case .limitReached:
            text = Bilingual(vi: "Đã mượn đủ số lượng cho phép", en: "Loan limit reached")
        case .renewalLimit:
            text = Bilingual(vi: "Đã gia hạn đủ số lần cho phép", en: "No more renewals allowed")
        case .notOnLoan:
            text = Bilingual(vi: "Sách này không có ai đang mượn", en: "This item is not on loan")
        case .duplicateEquipment:
            text = Bilingual(vi: "Mã thiết bị này đã có", en: "That equipment code already exists")
        case .templateInvalid:
            text = Bilingual(vi: "Mẫu nhãn không hợp lệ", en: "Invalid label template")
        case .unknownTemplate:
            text = Bilingual(vi: "Không có mẫu nhãn này", en: "No such label template")
        case .barcodeUnencodable:
            text = Bilingual(vi: "Mã vạch không mang được nội dung này", en: "The barcode cannot carry this text")
        case .barcodeTooWide:
            text = Bilingual(vi: "Mã vạch quá rộng so với ô trên nhãn", en: "The barcode is too wide for its box on the label")
        case .fontMissing:
            text = Bilingual(vi: "Không mở được tệp phông chữ", en: "Cannot open the font file")
        case .glyphMissing:
            text = Bilingual(vi: "Phông chữ không có ký tự này", en: "The font has no glyph for this character")
        case .printerNotConfigured:
            text = Bilingual(vi: "Chưa cấu hình máy in cho việc này", en: "No printer is configured for this")
        case .unknownPrinter:
            text = Bilingual(vi: "Không có máy in này", en: "No such printer")
        case .unknownJob:
            text = Bilingual(vi: "Không có lệnh in này", en: "No such print job")
        case .jobState:
            text = Bilingual(vi: "Lệnh in đang ở trạng thái không cho phép việc này", en: "The print job's state does not allow this")
        case .inventoryNotOpen:
            text = Bilingual(vi: "Chưa có đợt kiểm kê nào đang mở", en: "No inventory session is open")
        case .inventoryAlreadyOpen:
            text = Bilingual(vi: "Đang có một đợt kiểm kê mở; hãy kết thúc đợt đó trước", en: "An inventory session is already open; close it first")
        case .inventoryNotClosed:
            text = Bilingual(vi: "Đợt kiểm kê chưa kết thúc; hãy kết thúc trước", en: "The inventory session is still open; close it first")
        case .inventoryAlreadyApplied:
            text = Bilingual(vi: "Kết quả đợt kiểm kê này đã được áp dụng", en: "This inventory's result has already been applied")
        case .invalidScope:
            text = Bilingual(vi: "Phạm vi kiểm kê không hợp lệ", en: "Invalid inventory scope")
        case .outsideScope:
            text = Bilingual(vi: "Không thuộc phạm vi đợt kiểm kê này", en: "Not in this inventory's scope")
        case .cardReplaced:
            text = Bilingual(vi: "Thẻ này đã được thay bằng thẻ mới", en: "This card has been replaced by a new one")
        case .disposalState:
            text = Bilingual(vi: "Biên bản thanh lý đã duyệt hoặc đã huỷ, không sửa được nữa", en: "The disposal is confirmed or cancelled and cannot change")
        case .disposalHasLoans:
            text = Bilingual(
                vi: "Còn bản đang cho mượn: hãy trả hoặc báo mất trước khi thanh lý",
                en: "A copy is still on loan: return it or mark it lost before the disposal")
        case .rolloverDone:
            text = Bilingual(vi: "Đã chuyển sang năm học này rồi", en: "The rollover to this school year has been applied already")
        case .equipmentExpired:
            text = Bilingual(vi: "Thiết bị/hoá chất đã hết hạn sử dụng", en: "The equipment (chemical) is past its expiry date")
        case .nothingToUndo:
            text = Bilingual(vi: "Không có lượt mượn/trả nào để hoàn tác", en: "Nothing to undo")
        case .invalidImportFile:
            text = Bilingual(vi: "Không đọc được tệp cần nhập", en: "Cannot read the file to import")
        case .duplicateStaff:
            text = Bilingual(vi: "Đã có tài khoản tên này", en: "A staff account of that name exists already")
        case .wrongPassword:
            text = Bilingual(vi: "Sai tên hoặc mật khẩu", en: "Wrong name or password")
        case .unknownReport:
            text = Bilingual(vi: "Không có báo cáo này", en: "No such report")
        case .invalidFilter:
            text = Bilingual(vi: "Bộ lọc không hợp lệ", en: "Invalid filter")
        case .diskFull:
            text = Bilingual(
                vi: "Ổ đĩa đã đầy: chưa ghi gì; hãy giải phóng chỗ trống rồi thử lại",
                en: "The disk is full: nothing was written; free some space and try again")
        case .databaseReadOnly:
            text = Bilingual(
                vi: "Cơ sở dữ liệu đang chỉ đọc: chưa ghi gì", en: "The database is read-only: nothing was written")
        case .storageFailed:
            text = Bilingual(
                vi: "Lỗi đọc ghi ổ đĩa: chưa ghi gì", en: "The disk could not be read or written: nothing was written")
        }
        return text.text(language)
    }

    /// The error body for this code, with `detail` appended to the message when given.
    public func body(_ language: Language, detail: String? = nil, details: [String: JSONValue]? = nil) -> ErrorBody {
        var text = message(language)
        if let detail, !detail.isEmpty { text += ": " + detail }
        return ErrorBody(code: rawValue, message: text, details: details)
    }
}
