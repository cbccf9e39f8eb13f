/// The states the schema's CHECKs allow, as types (SPEC §4, §5, §7.6, §9): the store reads and
/// writes them as these, the protocol carries their raw values, and a test compares each list
/// with its CHECK.

/// Where a copy is: on the shelf, lent, not found, damaged, or gone from the collection.
public enum ItemStatus: String, Sendable, Codable, CaseIterable {
    case available
    case onLoan = "on_loan"
    case missing, damaged, lost, withdrawn

    /// Missing (not found by an inventory) or lost by its borrower: a scan of it at the desk
    /// or in an inventory finds it again, and it comes back to available.
    public var comesBackWhenSeen: Bool { self == .missing || self == .lost }

    /// As staff say it.
    public var words: Bilingual {
        switch self {
        case .available: Bilingual(vi: "sẵn sàng", en: "available")
        case .onLoan: Bilingual(vi: "đang mượn", en: "on loan")
        case .missing: Bilingual(vi: "thất lạc", en: "missing")
        case .damaged: Bilingual(vi: "hỏng", en: "damaged")
        case .lost: Bilingual(vi: "bạn đọc làm mất", en: "lost by its borrower")
        case .withdrawn: Bilingual(vi: "đã thanh lý", en: "withdrawn")
        }
    }
}

/// Which rule a loan was made under: an ordinary loan, a textbook lent for the school year,
/// or a class's corner library.
public enum LoanKind: String, Sendable, Codable, CaseIterable {
    case normal
    case schoolYear = "school_year"
    case classLibrary = "class_library"
}

/// A print job's life: waiting, being sent, printed, given up on, or cancelled.
public enum PrintJobState: String, Sendable, Codable, CaseIterable {
    case queued, sending, done, failed, cancelled

    public var words: Bilingual {
        switch self {
        case .queued: Bilingual(vi: "chờ in", en: "queued")
        case .sending: Bilingual(vi: "đang gửi", en: "sending")
        case .done: Bilingual(vi: "đã in", en: "done")
        case .failed: Bilingual(vi: "lỗi", en: "failed")
        case .cancelled: Bilingual(vi: "đã huỷ", en: "cancelled")
        }
    }
}

/// What one inventory scan was taken as: a first sight in scope, a repeat in this session, a
/// copy or unit the session does not cover, or a barcode nothing has.
public enum InventoryScanOutcome: String, Sendable, Codable, CaseIterable {
    case recorded
    case `repeat`
    case outsideScope = "outside_scope"
    case unknown

    public var words: Bilingual {
        switch self {
        case .recorded: Bilingual(vi: "đã ghi", en: "recorded")
        case .repeat: Bilingual(vi: "quét lặp", en: "repeat")
        case .outsideScope: Bilingual(vi: "ngoài phạm vi", en: "outside scope")
        case .unknown: Bilingual(vi: "mã lạ", en: "unknown")
        }
    }
}
