/// Why a label cannot be made. Every one of these is raised before a byte goes to a
/// printer. The code is the protocol's error code (docs/protocol.md); `detail` says what,
/// where (template, element, field) and why, in words a school's ICT teacher can act on.
public struct LabelError: Error, Equatable, CustomStringConvertible {
    /// The codes, spelled as the protocol's `ErrorCode`s, where their meanings are documented.
    public enum Code: String, Sendable, CaseIterable {
        case templateInvalid = "template_invalid", unknownTemplate = "unknown_template"
        case barcodeUnencodable = "barcode_unencodable", barcodeTooWide = "barcode_too_wide"
        case fontMissing = "font_missing", glyphMissing = "glyph_missing"
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
