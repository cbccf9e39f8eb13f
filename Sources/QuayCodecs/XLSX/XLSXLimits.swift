/// What a workbook may cost to read. A spreadsheet comes from whoever made it, and a zip bomb
/// (a few hundred kilobytes that inflate to gigabytes) is an ordinary file to copy onto a USB
/// stick, so every size is bounded and checked twice: on the sizes the archive declares,
/// before anything is inflated, and on the bytes zlib actually produces, while inflating
/// (an entry is never allowed past its declared size, whatever the header says).
public struct XLSXLimits: Sendable, Equatable {
    /// The archive itself, which is held in memory. A school's catalogue of 100,000 copies is
    /// a few MiB; 64 MiB of XLSX is more than the uncompressed limits below could use.
    public var maxFileSize: Int = 64 << 20
    /// One part inflated: the largest is a worksheet's XML, held whole while its rows are read.
    public var maxEntryUncompressedSize: Int = 256 << 20
    /// Every part the reader inflates, together (shared strings, styles and every sheet).
    public var maxTotalUncompressedSize: Int = 512 << 20
    /// Uncompressed bytes per compressed byte, once a part is past 1 MiB. Apache POI's default
    /// (its minimum inflate ratio 0.01); real sheets inflate 5 to 20 times, deflate's most is 1,032.
    public var maxCompressionRatio: Int = 100
    /// Rows read from one sheet (Excel's own maximum is 1,048,576).
    public var maxRows: Int = 1_048_576
    /// Cells read from one sheet: 100,000 copies × 20 columns.
    public var maxCells: Int = 2_000_000
    /// Entries in the shared-string table.
    public var maxSharedStrings: Int = 2_000_000

    public init() {}

    /// Below this many uncompressed bytes the ratio is not checked: a small, regular part
    /// (styles, an empty sheet) may well inflate more than 100 times.
    static let compressionRatioGrace = 1 << 20
}

/// Which of `XLSXLimits` a workbook went over; the raw value is the property's name.
public enum XLSXLimit: String, Sendable, Equatable, CaseIterable {
    case fileSize = "maxFileSize"
    case entryUncompressedSize = "maxEntryUncompressedSize"
    case totalUncompressedSize = "maxTotalUncompressedSize"
    case compressionRatio = "maxCompressionRatio"
    case rows = "maxRows"
    case cells = "maxCells"
    case sharedStrings = "maxSharedStrings"

    var words: String {
        switch self {
        case .fileSize: "the file's size"
        case .entryUncompressedSize: "one part's uncompressed size"
        case .totalUncompressedSize: "the total uncompressed size"
        case .compressionRatio: "the compression ratio"
        case .rows: "the rows in a sheet"
        case .cells: "the cells in a sheet"
        case .sharedStrings: "the shared strings"
        }
    }

    var unit: String {
        switch self {
        case .fileSize, .entryUncompressedSize, .totalUncompressedSize: " bytes"
        case .compressionRatio: " to 1"
        case .rows, .cells, .sharedStrings: ""
        }
    }
}

/// Why a workbook cannot be read. The descriptions are English; `part` names the archive
/// entry (`xl/worksheets/sheet1.xml`) where that helps someone find the fault.
public enum XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No ZIP end-of-central-directory record, and no ZIP signature at the start.
    case notAZip
    /// An OLE compound file: a password-protected workbook (Excel encrypts into one) or an
    /// Excel 97–2003 `.xls`. Neither can be read; the school must save it as a plain `.xlsx`.
    case compoundFile
    /// The archive ends before what its directory describes.
    case truncated(String)
    /// An entry marked encrypted (ZIP encryption; Excel's own protection is `compoundFile`).
    case encrypted(part: String)
    case unsupportedCompression(part: String, method: Int)
    /// A ZIP64 archive: none of the limits allows the 4 GiB that need one.
    case zip64
    case limitExceeded(XLSXLimit, limit: Int, part: String?)
    /// Damaged bytes: a bad deflate stream, a size other than the declared one, a bad header.
    case corrupt(part: String, reason: String)
    case crcMismatch(part: String)
    /// A part the workbook needs (or names) is not in the archive.
    case missingPart(String)
    case malformedXML(part: String, XMLError)
    /// Well-formed XML with content that is not a workbook's (a bad cell reference, a
    /// shared-string index out of range, a number that is not one).
    case malformed(part: String, reason: String)

    public var description: String {
        switch self {
        case .notAZip: "not an XLSX file: it is not a ZIP archive"
        case .compoundFile:
            "not an XLSX file: it is an OLE compound file, a password-protected workbook or an Excel 97–2003 .xls; save it as an unprotected .xlsx"
        case .truncated(let what): "the file is truncated: \(what)"
        case .encrypted(let part): "\(part) is encrypted"
        case .unsupportedCompression(let part, let method): "\(part) uses ZIP compression method \(method); only stored (0) and deflate (8) are read"
        case .zip64: "a ZIP64 archive, which is not read (no workbook within the limits needs one)"
        case .limitExceeded(let limit, let value, let part):
            "\(part.map { "\($0): " } ?? "")over the limit on \(limit.words) (\(limit.rawValue) = \(value)\(limit.unit))"
        case .corrupt(let part, let reason): "\(part) is damaged: \(reason)"
        case .crcMismatch(let part): "\(part) is damaged: its CRC-32 does not match its contents"
        case .missingPart(let part): "the workbook has no \(part)"
        case .malformedXML(let part, let error): "\(part): \(error)"
        case .malformed(let part, let reason): "\(part): \(reason)"
        }
    }
}
