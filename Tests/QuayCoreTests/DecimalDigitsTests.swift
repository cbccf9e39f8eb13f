import QuayCore
import Testing

/// Days and accession numbers written straight into bytes read the same as the strings they
/// replace, and a day read from its ten bytes is the day the general reading gives.
@Suite struct DecimalDigitsTests {
    @Test func daysAndNumbersPrintAsBefore() {
        let day = Day(year: 2027, month: 2, day: 5)
        #expect(day.description == "2027-02-05" && day.vietnamese == "05/02/2027")
        #expect(Day(year: 12345, month: 12, day: 31).description == "12345-12-31")
        #expect(Day(year: -1, month: 1, day: 1).description == "00-1-01-01")
        let register = Register(code: "STK", name: "", prefix: "STK", separator: ".", width: 6, nextNumber: 1)
        #expect(register.format(120) == "STK.000120" && register.format(1_234_567) == "STK.1234567" && register.format(0) == "STK.000000")
        #expect(register.format(-5) == "STK.0000-5")
        #expect(Register(code: "TV", name: "", prefix: "Tiếng Việt", separator: "", width: 0, nextNumber: 1).format(7) == "Tiếng Việt7")
        var bytes: [UInt8] = []
        for value: Int64 in [0, 7, -42, .max, .min] { DecimalDigits.append(value, to: &bytes) }
        #expect(String(decoding: bytes, as: UTF8.self) == "07-42" + String(Int64.max) + String(Int64.min))
    }

    @Test func aDayReadFromItsBytesIsTheDaySplittingGives() {
        #expect(Day("2026-11-20") == Day(year: 2026, month: 11, day: 20))
        for invalid in ["2026-02-30", "2026-13-01", "2026-00-10", "2026-11-2x", "2026/11/20", "202６-11-20", ""] { #expect(Day(invalid) == nil, "\(invalid)") }
        // The general reading, kept for what is not exactly yyyy-mm-dd.
        #expect(Day("2026-1-5") == Day(year: 2026, month: 1, day: 5))
    }
}
