import Foundation
import Logging
import NIOConcurrencyHelpers
import QuayCodecs
import QuayCore
import QuayProtocol
import QuayStore

/// Wrong PINs across every SIP2 connection, per card: after three in a row, the card's PIN is
/// not even checked for a while (30 s, doubling with each further wrong PIN, at most 15 min),
/// so a kiosk cannot be used to guess a four-digit PIN.
final class PINGuard: Sendable {
    private let failures = NIOLockedValueBox<[String: (count: Int, lockedUntil: Date?)]>([:])
    static let freeTries = 3

    /// Seconds the card is still locked for, or nil.
    func locked(_ card: String, now: Date) -> Int? {
        guard let until = failures.withLockedValue({ $0[card]?.lockedUntil }), until > now else { return nil }
        return Int(until.timeIntervalSince(now).rounded(.up))
    }

    func failed(_ card: String, now: Date) {
        failures.withLockedValue { all in
            var entry = all[card] ?? (0, nil)
            entry.count += 1
            if entry.count >= Self.freeTries {
                let seconds = min(900.0, 30 * pow(2, Double(entry.count - Self.freeTries)))
                entry.lockedUntil = now.addingTimeInterval(seconds)
            }
            all[card] = entry
        }
    }

    func succeeded(_ card: String) { _ = failures.withLockedValue { $0.removeValue(forKey: card) } }
}

/// One SIP2 connection's conversation (SPEC §3, docs/sip2.md): login first, then each message
/// answered through the same store transactions and policy as the desk, in order. Every reply
/// carries the fields a kiosk depends on, empty where unknown; the last reply is kept for 97.
final class SIP2Session {
    private let state: DaemonState
    private let settings: SIP2Settings
    private let guardian: PINGuard
    private let logger: Logger
    private let now: @Sendable () -> Date
    private(set) var account: SIP2Account?
    private var lastReply: [UInt8]?
    private var loginFailures = 0
    /// The card and PIN verified in this session, so a kiosk's every message does not pay for
    /// an Argon2 check.
    private var verified: (card: String, pin: String)?

    init(state: DaemonState, settings: SIP2Settings, guardian: PINGuard, logger: Logger, now: (@Sendable () -> Date)? = nil) {
        self.state = state
        self.settings = settings
        self.guardian = guardian
        self.logger = logger
        self.now = now ?? state.now
    }

    /// What to write back, and whether to close the connection after it.
    struct Answer {
        var bytes: [UInt8]?
        var close = false
    }

    private var encoding: SIP2Encoding { account?.encoding ?? .utf8 }

    func handle(_ frame: SIP2Framer.Frame) async -> Answer {
        guard case .message(let bytes) = frame else { return resend("message longer than \(settings.maxMessageBytes) bytes") }
        let request: SIP2Message
        let hadChecksum: Bool
        do {
            (request, hadChecksum) = try SIP2Codec.decode(bytes, encoding: encoding, fixedLength: SIP2Command.fixedLength)
        } catch {
            return resend("\(error)")
        }
        if account?.errorDetectionRequired == true && !hadChecksum { return resend("no checksum, and this account requires one") }
        if request.command == "97" {
            return Answer(bytes: lastReply ?? encode(SIP2Message(command: "96"), detection: hadChecksum))
        }
        guard let account else {
            switch request.command {
            case "93": return login(request, hadChecksum: hadChecksum)
            case "99" where settings.statusBeforeLogin: return answer(status(request, account: nil), hadChecksum)
            default:
                logger.warning("SIP2: a message before login; closing", metadata: ["sip2.command": "\(request.command)"])
                return Answer(bytes: nil, close: true)
            }
        }
        if request.command == "93" { return login(request, hadChecksum: hadChecksum) }
        if let name = SIP2Account.messageNames[request.command], !account.messages.contains(name) {
            logger.info("SIP2: message not allowed for this account", metadata: ["sip2.login": "\(account.login)", "sip2.message": "\(name)"])
            return answer(refusal(request, language(request, account), notAllowed: true), hadChecksum)
        }
        let language = language(request, account)
        let reply: SIP2Message
        switch request.command {
        case "99": reply = status(request, account: account)
        case "23": reply = await patronStatus(request, account, language)
        case "63": reply = await patronInformation(request, account, language)
        case "11": reply = await checkout(request, account, language)
        case "09": reply = await checkin(request, account, language)
        case "29": reply = await renew(request, account, language)
        case "65": reply = await renewAll(request, account, language)
        case "17": reply = await itemInformation(request, account, language)
        case "35": reply = endSession(request, account, language)
        case "01": reply = await blockPatron(request, account, language)
        case "37", "15", "19", "25": reply = refusal(request, language, notAllowed: false)
        default:
            logger.info("SIP2: unknown message", metadata: ["sip2.command": "\(request.command)"])
            return resend("unknown command \(request.command)")
        }
        return answer(reply, hadChecksum || account.errorDetectionRequired, sequence: request.sequence)
    }

    // MARK: - Framing of replies

    private func encode(_ message: SIP2Message, detection: Bool) -> [UInt8] {
        SIP2Codec.encode(message, encoding: encoding, errorDetection: detection, terminator: account?.terminator ?? [13])
    }

    private func answer(_ message: SIP2Message, _ detection: Bool, sequence: Character? = nil) -> Answer {
        var message = message
        message.sequence = sequence ?? message.sequence
        let bytes = encode(message, detection: detection)
        lastReply = bytes
        return Answer(bytes: bytes)
    }

    /// 96: the message did not arrive whole; the client sends it again.
    private func resend(_ reason: String) -> Answer {
        logger.info("SIP2: asking for a resend", metadata: ["sip2.reason": "\(reason)"])
        return Answer(bytes: encode(SIP2Message(command: "96"), detection: account?.errorDetectionRequired ?? false))
    }

    /// SIP2 dates are local: the school's, the zone the store's days are counted in.
    static let zone = TimeZone(secondsFromGMT: Day.utcOffset) ?? .current

    private func date() -> String { SIP2Date.format(now(), timeZone: Self.zone) }

    private func language(_ request: SIP2Message, _ account: SIP2Account) -> Language {
        // SIP2's language codes: 001 English; anything else (000 unknown) the account's.
        let code: String
        switch request.command {
        case "23", "63", "25": code = request.fixed(0, 3)
        default: code = ""
        }
        return code == "001" ? .en : account.language
    }

    private func words(_ vi: String, _ en: String, _ language: Language) -> String { language == .vi ? vi : en }

    // MARK: - Login and status

    private func login(_ request: SIP2Message, hadChecksum: Bool) -> Answer {
        let login = request["CN"] ?? ""
        let password = request["CO"] ?? ""
        if let match = settings.accounts.first(where: { $0.login == login }), Secrets.verify(password, against: match.passwordHash) {
            account = match
            loginFailures = 0
            logger.info("SIP2: logged in", metadata: ["sip2.login": "\(login)", "sip2.location": "\(request["CP"] ?? "")"])
            return answer(SIP2Message(command: "94", fixed: "1"), hadChecksum || match.errorDetectionRequired, sequence: request.sequence)
        }
        loginFailures += 1
        logger.warning("SIP2: login refused", metadata: ["sip2.login": "\(login)", "sip2.failures": "\(loginFailures)"])
        let reply = answer(SIP2Message(command: "94", fixed: "0"), hadChecksum, sequence: request.sequence)
        return Answer(bytes: reply.bytes, close: loginFailures >= 3)
    }

    /// The 16 flags of BX, in the spec's order, for what this account may use and Quầy does.
    static let supportOrder = ["23", "11", "09", "01", "99", "97", "93", "63", "35", "37", "17", "19", "25", "15", "29", "65"]
    static let supported: Set<String> = ["23", "11", "09", "01", "99", "97", "93", "63", "35", "17", "29", "65"]

    private func status(_ request: SIP2Message, account: SIP2Account?) -> SIP2Message {
        let allowed = { (command: String) -> Bool in
            guard Self.supported.contains(command) else { return false }
            guard let account, let name = SIP2Account.messageNames[command] else { return true }
            return account.messages.contains(name)
        }
        let flags = Self.supportOrder.map { allowed($0) ? "Y" : "N" }.joined()
        let checkin = allowed("09") ? "Y" : "N"
        let checkout = allowed("11") ? "Y" : "N"
        let renewal = allowed("29") ? "Y" : "N"
        return SIP2Message(
            command: "98", fixed: "Y" + checkin + checkout + renewal + "N" + "Y" + "030" + "003" + date() + "2.00",
            fields: [
                .init("AO", account?.institution ?? ""), .init("AM", state.config.schoolName), .init("BX", flags),
                .init("AN", account?.desk ?? ""), .init("AF", ""), .init("AG", ""),
            ])
    }

    // MARK: - Patrons

    /// The patron of a message and whether their PIN holds, with what to say when it does not.
    struct PatronCheck {
        var patron: PatronView?
        var pinOK: Bool
        var refusal: String?
    }

    private func checkPatron(_ request: SIP2Message, _ account: SIP2Account, _ language: Language, needPIN: Bool) async -> PatronCheck {
        let card = (request["AA"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !card.isEmpty, let found = try? await state.database.patronWithPIN(card: card) else {
            return PatronCheck(patron: nil, pinOK: false, refusal: words("Không tìm thấy thẻ bạn đọc \(card)", "Unknown patron card \(card)", language))
        }
        let pin = request["AD"] ?? ""
        guard let hash = found.pinHash else {
            let ok = !account.pinRequired
            return PatronCheck(
                patron: found.patron, pinOK: ok,
                refusal: ok ? nil : words("Thẻ này chưa có mã PIN; hãy hỏi thư viện", "This card has no PIN yet; ask the library", language))
        }
        if let verified, verified.card == card, verified.pin == pin { return PatronCheck(patron: found.patron, pinOK: true, refusal: nil) }
        if !needPIN && pin.isEmpty { return PatronCheck(patron: found.patron, pinOK: false, refusal: nil) }
        if let seconds = guardian.locked(card, now: now()) {
            logger.warning("SIP2: PIN locked after wrong tries", metadata: ["sip2.card": "\(card)", "sip2.locked_seconds": "\(seconds)"])
            return PatronCheck(
                patron: found.patron, pinOK: false,
                refusal: words("Nhập sai mã PIN nhiều lần; thử lại sau \(seconds) giây", "Too many wrong PINs; try again in \(seconds) s", language))
        }
        if Secrets.verify(pin, against: hash) {
            guardian.succeeded(card)
            verified = (card, pin)
            return PatronCheck(patron: found.patron, pinOK: true, refusal: nil)
        }
        guardian.failed(card, now: now())
        logger.warning("SIP2: wrong PIN", metadata: ["sip2.card": "\(card)", "sip2.login": "\(account.login)"])
        return PatronCheck(patron: found.patron, pinOK: false, refusal: words("Mã PIN không đúng", "Wrong PIN", language))
    }

    /// The 14 patron-status flags: privileges denied when the card is blocked or has left;
    /// "too many items overdue" when something is overdue.
    private func statusFlags(_ patron: PatronView?, overdue: Int) -> String {
        var flags = Array(repeating: Character(" "), count: 14)
        if patron?.status != "active" { for index in 0..<4 { flags[index] = "Y" } }  // also an unknown card
        if patron?.status == "blocked" { flags[4] = "Y" }
        if overdue > 0 { flags[6] = "Y" }
        return String(flags)
    }

    private func languageCode(_ language: Language) -> String { language == .en ? "001" : "000" }

    private func patronStatus(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let check = await checkPatron(request, account, language, needPIN: false)
        let overdue = await overdueCount(check.patron)
        var screen = check.refusal ?? ""
        if screen.isEmpty, let patron = check.patron, patron.status != "active" {
            screen = words("Thẻ đang bị khoá; hãy đến quầy thư viện", "This card is blocked; please see the library desk", language)
        }
        return SIP2Message(
            command: "24", fixed: statusFlags(check.patron, overdue: overdue) + languageCode(language) + date(),
            fields: [
                .init("AO", account.institution), .init("AA", request["AA"] ?? ""), .init("AE", check.patron?.name ?? ""),
                .init("BL", check.patron == nil ? "N" : "Y"), .init("CQ", check.pinOK ? "Y" : "N"), .init("AF", screen),
            ])
    }

    private func overdueCount(_ patron: PatronView?) async -> Int {
        guard let patron, let counts = try? await state.database.openLoanCounts(.card(patron.card), at: now()) else { return 0 }
        return counts.overdue
    }

    private func patronInformation(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let check = await checkPatron(request, account, language, needPIN: false)
        var loans: [LoanView] = []
        if let patron = check.patron, check.pinOK || !account.pinRequired {
            loans = (try? await state.database.loans(
                patronCard: patron.card, className: nil, schoolYear: "", overdueOnly: false, at: now(), limit: 1000)) ?? []
        }
        let overdue = loans.filter { $0.overdueDays > 0 }
        let summary = Array(request.fixed(21, 10))
        let wants = { (position: Int) in position < summary.count && summary[position] == "Y" }
        // BP and BQ: the 1-based range of the list asked for.
        let start = max(1, Int(request["BP"] ?? "") ?? 1)
        let end = Int(request["BQ"] ?? "") ?? Int.max
        func range(_ items: [LoanView]) -> ArraySlice<LoanView> {
            guard start <= items.count else { return [] }
            return items[(start - 1)..<min(items.count, max(start, end))]
        }
        var fields: [SIP2Message.Field] = [
            .init("AO", account.institution), .init("AA", request["AA"] ?? ""), .init("AE", check.patron?.name ?? ""),
            .init("BL", check.patron == nil ? "N" : "Y"), .init("CQ", check.pinOK ? "Y" : "N"),
        ]
        if wants(1) { fields += range(overdue).map { .init("AT", $0.barcode) } }
        if wants(2) { fields += range(loans).map { .init("AU", $0.barcode) } }
        fields.append(.init("AF", check.refusal ?? ""))
        let count = { (n: Int) in String(format: "%04d", min(n, 9999)) }
        return SIP2Message(
            command: "64",
            fixed: statusFlags(check.patron, overdue: overdue.count) + languageCode(language) + date() + "0000" + count(overdue.count)
                + count(loans.count) + "0000" + "0000" + "0000",
            fields: fields)
    }

    private func endSession(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) -> SIP2Message {
        verified = nil
        return SIP2Message(
            command: "36", fixed: "Y" + date(),
            fields: [
                .init("AO", account.institution), .init("AA", request["AA"] ?? ""),
                .init("AF", words("Cảm ơn, hẹn gặp lại!", "Thank you, goodbye!", language)),
            ])
    }

    private func blockPatron(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let card = request["AA"] ?? ""
        let patron = try? await state.database.blockPatron(card: card)
        logger.notice("SIP2: card blocked", metadata: ["sip2.card": "\(card)", "sip2.message": "\(request["AL"] ?? "")"])
        return SIP2Message(
            command: "24", fixed: statusFlags(patron, overdue: 0) + languageCode(language) + date(),
            fields: [
                .init("AO", account.institution), .init("AA", card), .init("AE", patron?.name ?? ""), .init("BL", patron == nil ? "N" : "Y"),
                .init("CQ", "N"),
                .init("AF", patron == nil
                    ? words("Không tìm thấy thẻ bạn đọc \(card)", "Unknown patron card \(card)", language)
                    : words("Thẻ đã bị khoá", "The card is blocked", language)),
            ])
    }

    // MARK: - Items

    /// What the store's refusal says, in the patron's language.
    private static func say(_ error: any Error, _ language: Language) -> String {
        Refusal(error).code.message(language)
    }

    /// A loan action as the desk does it: the scan, the action and its outcome in one
    /// transaction (`loggedScan`), at the account's desk, then the desk's events.
    private func logged(
        _ account: SIP2Account, item: String, mode: String, success: @escaping @Sendable (LoanView) -> (outcome: String, vi: String, en: String),
        _ action: ScanAction
    ) async -> Result<LoanView, any Error> {
        let at = now()
        let scanner = "sip2:\(account.login)"
        let language = account.language
        let words = { @Sendable (result: Result<LoanView, any Error>) -> (outcome: String, refusal: String?, vi: String, en: String) in
            switch result {
            case .success(let loan):
                let said = success(loan)
                return (said.outcome, nil, said.vi, said.en)
            case .failure(let error):
                return ("refused", Refusal(error).code.rawValue, Self.say(error, .vi), Self.say(error, .en))
            }
        }
        let logged: (scanID: Int64, result: Result<LoanView, any Error>)
        do {
            logged = try await state.database.loggedScan(desk: account.desk, scanner: scanner, data: item, at: at, action) { result in
                let said = words(result)
                return (said.outcome, said.refusal, language == .vi ? said.vi : said.en)
            }
        } catch {
            logger.error("SIP2: cannot write the scan log; nothing done", metadata: ["error": "\(error)", "scan.data": "\(item)"])
            return .failure(error)
        }
        let said = words(logged.result)
        state.events.publish(
            "scan.accepted", at: at,
            DeskEventData(
                desk: account.desk, scanner: scanner, scan: item, scanID: logged.scanID, mode: mode, outcome: nil, level: nil, refusal: nil,
                message: nil, vi: nil, en: nil))
        state.events.publish(
            "desk.\(said.outcome)", at: at,
            DeskEventData(
                desk: account.desk, scanner: scanner, scan: item, scanID: logged.scanID, mode: mode, outcome: said.outcome,
                level: said.refusal == nil ? "info" : "error", refusal: said.refusal, message: language == .vi ? said.vi : said.en,
                vi: said.vi, en: said.en))
        return logged.result
    }

    /// A due day as SIP2 writes it: the day's last second, local.
    private func dueText(_ day: String) -> String {
        guard let parsed = Day(day) else { return day }
        return SIP2Date.format(parsed.endOfDay, timeZone: Self.zone)
    }

    private func vietnameseDay(_ day: String) -> String { Day(day)?.vietnamese ?? day }

    /// 12 (checkout) and 30 (renew) share a layout: ok, renewal ok, magnetic media, desensitize,
    /// date; the patron, the item, its title, the due date and the screen message.
    private func loanReply(
        _ command: String, _ request: SIP2Message, _ account: SIP2Account, ok: Bool, renewed: Bool, title: String, due: String, screen: String
    ) -> SIP2Message {
        SIP2Message(
            command: command, fixed: (ok ? "1" : "0") + (renewed ? "Y" : "N") + "N" + (ok ? "Y" : "N") + date(),
            fields: [
                .init("AO", account.institution), .init("AA", request["AA"] ?? ""), .init("AB", request["AB"] ?? ""), .init("AJ", title),
                .init("AH", due), .init("AF", screen),
            ])
    }

    private func checkout(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let item = request["AB"] ?? ""
        func reply(_ ok: Bool, renewed: Bool = false, title: String = "", due: String = "", screen: String) -> SIP2Message {
            loanReply("12", request, account, ok: ok, renewed: renewed, title: title, due: due, screen: screen)
        }
        // The patron is read first only when the PIN must be checked: a PIN already verified in
        // this session, or an account that lends on the card alone, goes straight to the loan's
        // own transaction (which refuses an unknown or blocked card itself).
        let card = (request["AA"] ?? "").trimmingCharacters(in: .whitespaces)
        let pin = request["AD"] ?? ""
        if !(verified.map { $0.card == card && $0.pin == pin } ?? false) && !(!account.pinRequired && pin.isEmpty) {
            let check = await checkPatron(request, account, language, needPIN: true)
            guard check.patron != nil, check.pinOK else {
                return reply(false, screen: check.refusal ?? words("Mã PIN không đúng", "Wrong PIN", language))
            }
        }
        let noBlock = request.fixed(1, 1) == "Y" ? SIP2Date.parse(request.fixed(20, 18), timeZone: Self.zone).map { Day($0) } : nil
        let settings = state.config.circulation
        let desk = account.desk
        let result = await logged(
            account, item: item, mode: "checkout", success: Self.lentWords, .checkout(.card(card), settings: settings, desk: desk, noBlock: noBlock))
        switch result {
        case .success(let loan):
            let said = Self.lentWords(loan)
            return reply(true, renewed: loan.renewed, title: loan.title, due: dueText(loan.due), screen: language == .vi ? said.vi : said.en)
        case .failure(let error):
            let title = (try? await state.database.item(scanned: item))??.title ?? ""
            return reply(false, title: title, screen: Self.say(error, language))
        }
    }

    @Sendable static func lentWords(_ loan: LoanView) -> (outcome: String, vi: String, en: String) {
        let day = Day(loan.due)?.vietnamese ?? loan.due
        return (
            loan.renewed ? "renewed" : "lent", (loan.renewed ? "Đã gia hạn: " : "Đã mượn: ") + "\(loan.title), hạn trả \(day)",
            (loan.renewed ? "Renewed: " : "Lent: ") + "\(loan.title), due \(loan.due)"
        )
    }

    @Sendable static func returnedWords(_ loan: LoanView) -> (outcome: String, vi: String, en: String) {
        let late = loan.overdueDays
        return (
            "returned", "Đã trả: \(loan.title)" + (late > 0 ? " — trễ \(late) ngày" : ""),
            "Returned: \(loan.title)" + (late > 0 ? " — \(late) days late" : "")
        )
    }

    private func checkin(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let item = request["AB"] ?? ""
        let found = (try? await state.database.item(scanned: item)) ?? nil
        func reply(_ ok: Bool, alert: Bool, card: String = "", screen: String) -> SIP2Message {
            SIP2Message(
                command: "10", fixed: (ok ? "1" : "0") + (ok ? "Y" : "N") + "N" + (alert ? "Y" : "N") + date(),
                fields: [
                    .init("AO", account.institution), .init("AB", item), .init("AQ", found?.location ?? ""), .init("AJ", found?.title ?? ""),
                    .init("AA", card), .init("CL", ""), .init("AF", screen),
                ])
        }
        let result = await logged(account, item: item, mode: "checkin", success: Self.returnedWords, .checkin)
        switch result {
        case .success(let loan):
            let said = Self.returnedWords(loan)
            return reply(true, alert: loan.overdueDays > 0, card: loan.card ?? "", screen: language == .vi ? said.vi : said.en)
        case .failure(let error):
            return reply(false, alert: true, screen: Self.say(error, language))
        }
    }

    private func renew(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let item = request["AB"] ?? ""
        func reply(_ ok: Bool, title: String = "", due: String = "", screen: String) -> SIP2Message {
            loanReply("30", request, account, ok: ok, renewed: ok, title: title, due: due, screen: screen)
        }
        let check = await checkPatron(request, account, language, needPIN: true)
        guard let patron = check.patron, check.pinOK else {
            return reply(false, screen: check.refusal ?? words("Mã PIN không đúng", "Wrong PIN", language))
        }
        // Only the patron's own loans.
        if let open = try? await state.database.openLoan(scanned: item), open.card != patron.card {
            return reply(false, screen: ErrorCode.notOnLoan.message(language))
        }
        do {
            let loan = try await state.database.renew(scanned: item, settings: state.config.circulation, at: now())
            return reply(
                true, title: loan.title, due: dueText(loan.due),
                screen: words("Đã gia hạn: \(loan.title), hạn trả \(vietnameseDay(loan.due))", "Renewed: \(loan.title), due \(loan.due)", language))
        } catch {
            return reply(false, screen: Self.say(error, language))
        }
    }

    private func renewAll(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let check = await checkPatron(request, account, language, needPIN: true)
        var renewed: [String] = []
        var unrenewed: [String] = []
        if let patron = check.patron, check.pinOK {
            let loans = (try? await state.database.loans(
                patronCard: patron.card, className: nil, schoolYear: "", overdueOnly: false, at: now(), limit: 1000)) ?? []
            for loan in loans {
                if (try? await state.database.renew(scanned: loan.barcode, settings: state.config.circulation, at: now())) != nil {
                    renewed.append(loan.barcode)
                } else {
                    unrenewed.append(loan.barcode)
                }
            }
        }
        let ok = check.patron != nil && check.pinOK
        let count = { (n: Int) in String(format: "%04d", min(n, 9999)) }
        return SIP2Message(
            command: "66", fixed: (ok ? "1" : "0") + count(renewed.count) + count(unrenewed.count) + date(),
            fields: [.init("AO", account.institution)] + renewed.map { .init("BM", $0) } + unrenewed.map { .init("BN", $0) } + [
                .init("AF", ok
                    ? words("Đã gia hạn \(renewed.count), không gia hạn được \(unrenewed.count)", "Renewed \(renewed.count), not renewed \(unrenewed.count)", language)
                    : check.refusal ?? words("Mã PIN không đúng", "Wrong PIN", language))
            ])
    }

    private func itemInformation(_ request: SIP2Message, _ account: SIP2Account, _ language: Language) async -> SIP2Message {
        let code = request["AB"] ?? ""
        let item = (try? await state.database.item(scanned: code)) ?? nil
        let status: String
        switch item?.status {
        case .available: status = "03"
        case .onLoan: status = "04"
        case .missing: status = "13"
        default: status = "01"
        }
        var due = ""
        if item?.status == .onLoan, let open = try? await state.database.openLoan(scanned: code) {
            due = SIP2Date.format(Timestamp.parse(open.due) ?? now(), timeZone: Self.zone)
        }
        let screen = item == nil ? words("Không tìm thấy sách \(code)", "Unknown item \(code)", language) : ""
        return SIP2Message(
            command: "18", fixed: status + "00" + "01" + date(),
            fields: [
                .init("AB", code), .init("AJ", item?.title ?? ""), .init("AH", due), .init("AQ", item?.location ?? ""),
                .init("AP", item?.location ?? ""), .init("AF", screen),
            ])
    }

    /// A message this account may not use, or one Quầy does not take (fees, holds, item status
    /// updates, patron enable): its own response, with nothing done and the reason on screen.
    private func refusal(_ request: SIP2Message, _ language: Language, notAllowed: Bool) -> SIP2Message {
        let screen = notAllowed
            ? words("Máy này không được dùng chức năng đó", "This terminal may not do that", language)
            : words("Quầy không hỗ trợ chức năng này", "Quầy does not support this", language)
        let institution = account?.institution ?? ""
        let common: [SIP2Message.Field] = [.init("AO", institution), .init("AA", request["AA"] ?? "")]
        switch request.command {
        case "37": return SIP2Message(command: "38", fixed: "N" + date(), fields: common + [.init("AF", screen)])
        case "15": return SIP2Message(command: "16", fixed: "0N" + date(), fields: common + [.init("AF", screen)])
        case "19": return SIP2Message(command: "20", fixed: "0" + date(), fields: [.init("AB", request["AB"] ?? ""), .init("AF", screen)])
        case "11", "29":
            return SIP2Message(
                command: request.command == "11" ? "12" : "30", fixed: "0NNN" + date(),
                fields: common + [.init("AB", request["AB"] ?? ""), .init("AJ", ""), .init("AH", ""), .init("AF", screen)])
        case "09":
            return SIP2Message(
                command: "10", fixed: "0NNY" + date(),
                fields: [.init("AO", institution), .init("AB", request["AB"] ?? ""), .init("AQ", ""), .init("AF", screen)])
        case "65": return SIP2Message(command: "66", fixed: "000000000" + date(), fields: [.init("AO", institution), .init("AF", screen)])
        case "17":
            return SIP2Message(
                command: "18", fixed: "010001" + date(), fields: [.init("AB", request["AB"] ?? ""), .init("AJ", ""), .init("AF", screen)])
        case "35": return SIP2Message(command: "36", fixed: "N" + date(), fields: common + [.init("AF", screen)])
        case "63":
            return SIP2Message(
                command: "64", fixed: statusFlags(nil, overdue: 0) + "000" + date() + String(repeating: "0", count: 24),
                fields: common + [.init("AE", ""), .init("BL", "N"), .init("AF", screen)])
        default:  // 23, 25, 01: a patron status response
            return SIP2Message(
                command: request.command == "25" ? "26" : "24", fixed: statusFlags(nil, overdue: 0) + "000" + date(),
                fields: common + [.init("AE", ""), .init("BL", "N"), .init("AF", screen)])
        }
    }
}
