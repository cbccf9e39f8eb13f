import Foundation
import QuayCore
import QuayProtocol
import Testing

@testable import QuayWeb

/// The catalogue pages' correction forms and their escaping, without a server.
@Suite struct CorrectionFormTests {
    let context = PageContext(language: .vi, staff: "Lan", role: .desk, csrf: "token", school: "Trường Thử")

    func form(_ pairs: [(String, String)]) -> Form { Form(pairs: pairs) }

    @Test func onlyTheChangedFieldsAreSentAndAnEmptiedOneIsCleared() throws {
        let posted = form([
            ("title", "Truyện Kiều (tái bản)"), ("was.title", "Truyện Kiều"), ("publisher", "NXB Văn học"), ("was.publisher", "NXB Văn học"),
            ("notes", " "), ("was.notes", "cũ"), ("year", "2020"), ("was.year", ""),
        ])
        let changes = Changes(posted, fields: ["title", "publisher", "notes", "year", "isbn"])
        #expect(changes.values == ["title": "Truyện Kiều (tái bản)", "year": "2020"])
        #expect(changes.clearing == ["notes"])
        #expect(try changes.number("year", context) as Int? == 2020)
        #expect(Changes(form([("title", "A"), ("was.title", "A")]), fields: ["title"]).clearing == nil)
    }

    @Test func aNumberThatIsNotOneIsSaidInWords() throws {
        let changes = Changes(form([("price", "85.000"), ("year", "năm ngoái")]), fields: ["price", "year"])
        #expect(try changes.number("price", context) as Int64? == 85_000, "a price written with its thousands separated")
        #expect(throws: WebProblem.self) { try changes.number("year", context) as Int? }
        do {
            _ = try changes.number("year", context) as Int?
        } catch {
            #expect(error.message == "Năm xuất bản: “năm ngoái” không phải là một số")
        }
    }

    @Test func aRecordsPageEscapesWhatTheDatabaseHolds() {
        let record = RecordView(
            id: 1, title: "<script>x</script>", authors: "\"><b>A</b>", publisher: nil, year: nil, isbn: nil, callNumber: nil, kind: "reference",
            grade: nil, price: nil, copies: 0, items: [])
        let entry = AuditEntry(id: 1, at: "2026-12-01T03:00:00Z", actor: "web:<i>Lan</i>", op: "record.update", target: "r1", changes: ["title": AuditChange(before: .text("<u>old</u>"), after: .text("new"))])
        let page = Pages.record(context, record, history: HistoryResult(target: "r1", label: "x", entries: [entry]), historyProblem: nil, problem: "<em>no</em>", saved: false, entered: nil)
        #expect(!page.contains("<script>x") && !page.contains("<b>A</b>") && !page.contains("<i>Lan</i>") && !page.contains("<u>old</u>") && !page.contains("<em>no</em>"))
        #expect(page.contains("01/12/2026 10:00"), "the audit time in Vietnam's clock, dd/mm/yyyy")
        #expect(page.contains("name=\"was.title\" value=\"&lt;script&gt;x&lt;/script&gt;\""))
    }

    @Test func keysInPathsAreEscapedAndAmountsRead() throws {
        #expect(Pages.pathComponent("STK.000001") == "STK.000001")
        #expect(Pages.pathComponent("A/B?c#d%") == "A%2FB%3Fc%23d%25")
        let amounts = try WebServer.amounts("ongnghiem=10 HCL=1", context)
        #expect(amounts?.map(\.0) == ["ONGNGHIEM", "HCL"] && amounts?.map(\.1) == [10, 1])
        #expect(throws: WebProblem.self) { try WebServer.amounts("HCL", context) }
        #expect(WebServer.words(" TB.000001, TB.000002 ") == ["TB.000001", "TB.000002"])
    }
}
