/// Why a label cannot be made. Every one of these is raised before a byte goes to a
/// printer. The code is the protocol's error code (docs/protocol.md); `detail` says what,
/// where (template, element, field) and why, in words a school's ICT teacher can act on.
public struct LabelError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The template file is malformed: an unknown key or field, a box outside the label…
        case templateInvalid = "template_invalid"
        /// No built-in or configured template of that name.
        case unknownTemplate = "unknown_template"
        /// The text has characters, or a length, the symbology cannot carry.
        case barcodeUnencodable = "barcode_unencodable"
        /// The barcode does not fit its box even with one dot per module.
        case barcodeTooWide = "barcode_too_wide"
        /// A font file is missing or unreadable.
        case fontMissing = "font_missing"
        /// A character that neither the font nor a fallback font can draw.
        case glyphMissing = "glyph_missing"
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
