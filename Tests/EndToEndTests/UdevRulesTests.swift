import Foundation
import Testing

/// udev/70-quay.rules: every rule is well formed (udev's own syntax: comma-separated
/// KEY op "value"), and every device it matches is given to group quay, linked under
/// /dev/quay/ where it has a node of its own, and tagged for systemd.
@Suite struct UdevRulesTests {
    static let rules = packageRoot.appendingPathComponent("udev/70-quay.rules")

    @Test func everyRuleIsWellFormedAndGivesTheDeviceToGroupQuay() throws {
        let text = try String(contentsOf: Self.rules, encoding: .utf8)
        let rules = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(rules.count >= 30)
        let pattern = /^\s*([A-Z_]+(\{[A-Za-z_]+\})?)\s*(==|!=|\+=|=)\s*"([^"]*)"\s*$/
        let matchKeys: Set<String> = ["SUBSYSTEM", "KERNEL", "ATTRS", "ATTR", "ENV"]
        let assignKeys: Set<String> = ["GROUP", "MODE", "SYMLINK", "TAG", "ENV"]
        var makers = Set<String>()
        for rule in rules {
            var assigned: [String: String] = [:]
            for pair in rule.split(separator: ", ") {
                let match = try #require(try pattern.wholeMatch(in: String(pair)), "not KEY op \"value\": \(pair) in \(rule)")
                let key = String(match.1).split(separator: "{").first.map(String.init) ?? ""
                let op = String(match.3)
                if op == "==" || op == "!=" {
                    #expect(matchKeys.contains(key), "\(key) cannot be matched: \(rule)")
                } else {
                    #expect(assignKeys.contains(key), "\(key) cannot be assigned: \(rule)")
                    assigned[String(match.1)] = String(match.4)
                }
                if String(match.1) == "ATTRS{idVendor}" || String(match.1) == "ATTR{idVendor}" {
                    #expect(match.4.count == 4 && match.4.allSatisfy(\.isHexDigit), "vendor id: \(rule)")
                    makers.insert(String(match.4))
                }
            }
            #expect(assigned["GROUP"] == "quay" && assigned["MODE"] == "0660" && assigned["TAG"] == "systemd", "\(rule)")
            if !rule.contains("DEVTYPE") {
                #expect(assigned["SYMLINK"]?.hasPrefix("quay/") == true, "no /dev/quay/ link: \(rule)")
            }
        }
        // Honeywell, Zebra/Symbol, Datalogic, Newland scanners; Zebra, Epson and Xprinter printers.
        for vendor in ["0c2e", "05e0", "05f9", "1eab", "0a5f", "04b8", "0416"] { #expect(makers.contains(vendor)) }
    }
}
