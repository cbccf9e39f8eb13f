import QuayCore
import QuayLabels
import QuayProtocol
import QuayStore

/// A refusal with its protocol code (SPEC §8.2): what an op raises, and what any error becomes
/// on its way to a client, a desk or a kiosk. `Refusal(error)` is the one mapping from an error
/// to an `ErrorCode`; the socket, the desks and SIP2 all go through it.
struct Refusal: Error, Sendable {
    var code: ErrorCode
    var detail: String? = nil
    var details: [String: JSONValue]? = nil
    /// The detail in both languages, when it is for people (a blocked card's reason).
    var words: Bilingual? = nil

    /// What kind of failure it was, for the log: a refusal is the answer; the disk and a fault
    /// are logged with the error itself, and a fault is never shown to the client beyond `internal`.
    enum Origin: Sendable { case refusal, disk, fault }
    var origin: Origin = .refusal

    init(code: ErrorCode, detail: String? = nil, details: [String: JSONValue]? = nil) {
        self.code = code
        self.detail = detail
        self.details = details
    }

    init(_ error: any Error) {
        switch error {
        case let refusal as Refusal:
            self = refusal
        case let error as StoreError:
            self.init(code: ErrorCode(error.code), detail: error.reason)
            words = error.words
            if error.code == .diskFull || error.code == .databaseReadOnly || error.code == .storageFailed { origin = .disk }
        case let error as LabelError:
            self.init(code: ErrorCode(error.code), detail: error.detail)
        default:
            if let storage = StoreError.storage(error) {
                // What SQLite said is for the log; the client learns the code.
                self.init(code: ErrorCode(storage.code))
                origin = .disk
            } else {
                self.init(code: .internalError)
                origin = .fault
            }
        }
    }

    /// The message in both languages, as a desk and a kiosk say it.
    var bilingual: Bilingual {
        Bilingual(vi: code.body(.vi, detail: detail(.vi)).message, en: code.body(.en, detail: detail(.en)).message)
    }

    func detail(_ language: Language) -> String? { words?.text(language) ?? detail }

    /// The error of a reply in `language`.
    func body(_ language: Language) -> ErrorBody { code.body(language, detail: detail(language), details: details) }
}

extension ErrorCode {
    /// Each store code as the protocol's: the compiler sees that none is left out.
    init(_ code: StoreError.Code) {
        switch code {
        case .invalidArgument: self = .invalidArgument
        case .notFound: self = .notFound
        case .unknownRegister: self = .unknownRegister
        case .unknownItem: self = .unknownItem
        case .unknownPatron: self = .unknownPatron
        case .unknownClass: self = .unknownClass
        case .unknownJob: self = .unknownJob
        case .duplicateBarcode: self = .duplicateBarcode
        case .duplicateCard: self = .duplicateCard
        case .duplicateClass: self = .duplicateClass
        case .duplicateEquipment: self = .duplicateEquipment
        case .duplicateStaff: self = .duplicateStaff
        case .borrowerBlocked: self = .borrowerBlocked
        case .borrowerHasOverdue: self = .borrowerHasOverdue
        case .notLoanable: self = .notLoanable
        case .itemUnavailable: self = .itemUnavailable
        case .itemOnLoan: self = .itemOnLoan
        case .limitReached: self = .limitReached
        case .renewalLimit: self = .renewalLimit
        case .notOnLoan: self = .notOnLoan
        case .jobState: self = .jobState
        case .inventoryNotOpen: self = .inventoryNotOpen
        case .inventoryAlreadyOpen: self = .inventoryAlreadyOpen
        case .inventoryNotClosed: self = .inventoryNotClosed
        case .inventoryAlreadyApplied: self = .inventoryAlreadyApplied
        case .invalidScope: self = .invalidScope
        case .outsideScope: self = .outsideScope
        case .invalidCallNumber: self = .invalidCallNumber
        case .cardReplaced: self = .cardReplaced
        case .disposalState: self = .disposalState
        case .disposalHasLoans: self = .disposalHasLoans
        case .rolloverDone: self = .rolloverDone
        case .equipmentExpired: self = .equipmentExpired
        case .nothingToUndo: self = .nothingToUndo
        case .diskFull: self = .diskFull
        case .databaseReadOnly: self = .databaseReadOnly
        case .storageFailed, .databaseUnavailable: self = .storageFailed
        case .invalidBackup: self = .invalidArgument
        }
    }

    /// Each label code as the protocol's.
    init(_ code: LabelError.Code) {
        switch code {
        case .templateInvalid: self = .templateInvalid
        case .unknownTemplate: self = .unknownTemplate
        case .barcodeUnencodable: self = .barcodeUnencodable
        case .barcodeTooWide: self = .barcodeTooWide
        case .fontMissing: self = .fontMissing
        case .glyphMissing: self = .glyphMissing
        }
    }
}
