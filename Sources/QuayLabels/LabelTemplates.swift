import Foundation
import QuayCore

/// The templates a daemon prints with: the built-in ones, and a school's own `*.toml` files
/// from the configured directory, which replace a built-in of the same name.
public struct LabelTemplates: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var template: LabelTemplate
        /// The file's text, so `quay label show` can hand it out as a starting point.
        public var source: String
        /// `built-in`, or the path of the school's file.
        public var origin: String

        /// The template follows from its source, so the source and origin say it all.
        public static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.source == rhs.source && lhs.origin == rhs.origin }
    }

    public private(set) var entries: [String: Entry]

    /// The built-in templates alone. They are checked by the tests; one that did not parse
    /// would be a bug in this file, not bad input.
    public static let builtIn: LabelTemplates = {
        var entries: [String: Entry] = [:]
        for (name, source) in builtInSources {
            do throws(LabelError) {
                entries[name] = Entry(template: try LabelTemplate.parse(source, file: "built-in:\(name)"), source: source, origin: "built-in")
            } catch {
                fatalError("built-in template \(name): \(error)")
            }
        }
        return LabelTemplates(entries: entries)
    }()

    /// The built-ins plus every `*.toml` in `directory`. A bad file is an error naming it
    /// and its line: the config that points here is refused rather than half-loaded.
    public static func load(directory: String?) throws(LabelError) -> LabelTemplates {
        var templates = builtIn
        guard let directory else { return templates }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".toml") }.sorted()
        } catch {
            throw LabelError(.templateInvalid, "\(directory): cannot read the template directory")
        }
        var seen: [String: String] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw LabelError(.templateInvalid, "\(path): cannot read the file as UTF-8")
            }
            let template = try LabelTemplate.parse(source, file: path)
            if let other = seen[template.name] {
                throw LabelError(.templateInvalid, "\(path): another file (\(other)) already defines the template \"\(template.name)\"")
            }
            seen[template.name] = path
            templates.entries[template.name] = Entry(template: template, source: source, origin: path)
        }
        return templates
    }

    public func entry(named name: String) throws(LabelError) -> Entry {
        guard let entry = entries[name] else {
            throw LabelError(.unknownTemplate, "no template \"\(name)\"; known: \(entries.keys.sorted().joined(separator: ", "))")
        }
        return entry
    }
}

/// The school's names as labels print them.
public struct SchoolNames: Sendable, Equatable {
    public var name: String
    /// For narrow labels: "THCS Phụng Công" rather than "Trường THCS Phụng Công".
    public var shortName: String

    public init(name: String, shortName: String? = nil) {
        self.name = name
        self.shortName = shortName ?? Self.shorten(name)
    }

    /// Drops a leading "Trường" (school), which every school's name starts with.
    static func shorten(_ name: String) -> String {
        let words = name.split(separator: " ")
        // "Trường học" alone is the generic word for a school: nothing to drop.
        guard words.count > 2, words[0].lowercased() == "trường" else { return name }
        return words.dropFirst().joined(separator: " ")
    }
}

extension LabelData {
    /// The fields every label has.
    public static func common(_ school: SchoolNames, today: Day) -> [String: String] {
        ["school": school.name, "school_short": school.shortName, "today": today.vietnamese]
    }

    /// A copy of a book: spine and barcode labels.
    public static func item(_ item: ItemView, school: SchoolNames, today: Day) -> LabelData {
        var fields = common(school, today: today)
        fields["accession"] = item.accession
        fields["barcode"] = item.barcode
        fields["register"] = item.register
        fields["number"] = String(item.number)
        fields["title"] = item.title
        fields["authors"] = item.authors
        fields["call_number"] = item.callNumber ?? ""
        fields["location"] = item.location ?? ""
        let lines = item.callNumber.flatMap { try? CallNumber.parse($0) }?.spineLines ?? []
        for index in 0..<3 { fields["call_line_\(index + 1)"] = index < lines.count ? lines[index] : "" }
        return LabelData(fields: fields)
    }

    /// A unit of equipment: its asset tag.
    public static func unit(_ unit: EquipmentUnitView, school: SchoolNames, today: Day) -> LabelData {
        var fields = common(school, today: today)
        fields["code"] = unit.accession
        fields["barcode"] = unit.barcode
        fields["name"] = unit.name
        fields["type_code"] = unit.typeCode
        fields["room"] = unit.room ?? ""
        fields["condition"] = unit.condition
        return LabelData(fields: fields)
    }

    /// A desk command, for its label: the code and its caption in both languages.
    public static func command(_ command: DeskCommand, school: SchoolNames, today: Day) -> LabelData {
        var fields = common(school, today: today)
        fields["code"] = command.barcode
        fields["caption"] = command.caption.vi
        fields["caption_en"] = command.caption.en
        return LabelData(fields: fields)
    }

    /// A pupil or teacher: the library card.
    public static func patron(_ patron: PatronView, school: SchoolNames, today: Day) -> LabelData {
        var fields = common(school, today: today)
        fields["name"] = patron.name
        fields["card"] = patron.card
        fields["class"] = patron.className ?? ""
        fields["school_year"] = patron.schoolYear ?? ""
        fields["kind"] = patron.kind
        return LabelData(fields: fields)
    }

    /// A borrower's loans, for the slip: one entry per loan, due days as dd/mm/yyyy.
    public static func loanSlip(_ loans: [LoanView], borrower: String, card: String?, className: String?, school: SchoolNames, today: Day)
        -> LabelData
    {
        var fields = common(school, today: today)
        fields["borrower"] = borrower
        fields["card"] = card ?? ""
        fields["class"] = className ?? ""
        fields["date"] = today.vietnamese
        fields["count"] = String(loans.count)
        let entries = loans.map { loan in
            ["title": loan.title, "accession": loan.accession, "due": Day(loan.due)?.vietnamese ?? loan.due]
        }
        return LabelData(fields: fields, entries: entries)
    }
}
