import QuayCore

/// `label.templates`: the templates the daemon prints with; with `name`, that one with its
/// source, to copy as the start of a school's own.
public struct LabelTemplatesArgs: Sendable, Codable, Equatable {
    public var name: String?
    public init(name: String? = nil) { self.name = name }
}

public struct LabelTemplateInfo: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    /// What it prints from: item, equipment, patron or loan_slip.
    public var data: String
    public var widthMM: Double
    public var heightMM: Double
    /// `built-in`, or the school's file.
    public var origin: String
    /// The template file's text; only when one template was asked for.
    public var source: String?

    public init(
        name: String, description: String, data: String, widthMM: Double, heightMM: Double, origin: String, source: String?
    ) {
        self.name = name
        self.description = description
        self.data = data
        self.widthMM = widthMM
        self.heightMM = heightMM
        self.origin = origin
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case name, description, data
        case widthMM = "width_mm"
        case heightMM = "height_mm"
        case origin, source
    }
}

public struct LabelTemplatesResult: Sendable, Codable, Equatable {
    public var templates: [LabelTemplateInfo]
    public init(templates: [LabelTemplateInfo]) { self.templates = templates }
}

/// `label.render`: labels of a template for copies, units, cards — or, for a slip, a
/// borrower's open loans — as PNG images of exactly the raster a printer would get. All or
/// nothing: one key that cannot be made into a label refuses the request.
public struct LabelRenderArgs: Sendable, Codable, Equatable {
    public var template: String
    /// Accession numbers or barcodes (item and equipment templates), or cards.
    public var keys: [String]
    /// 203 or 300; the configured `labels.dpi` when absent.
    public var dpi: Int?

    public init(template: String, keys: [String], dpi: Int? = nil) {
        self.template = template
        self.keys = keys
        self.dpi = dpi
    }
}

/// One rendered label.
public struct RenderedLabel: Sendable, Codable, Equatable {
    /// The key it was made for; absent for a preview.
    public var key: String?
    public var widthDots: Int
    public var heightDots: Int
    public var dpi: Int
    /// The PNG file, base64.
    public var png: String

    public init(key: String?, widthDots: Int, heightDots: Int, dpi: Int, png: String) {
        self.key = key
        self.widthDots = widthDots
        self.heightDots = heightDots
        self.dpi = dpi
        self.png = png
    }

    enum CodingKeys: String, CodingKey {
        case key
        case widthDots = "width_dots"
        case heightDots = "height_dots"
        case dpi, png
    }
}

public struct LabelRenderResult: Sendable, Codable, Equatable {
    public var labels: [RenderedLabel]
    public init(labels: [RenderedLabel]) { self.labels = labels }
}

/// `label.preview`: a template file's text rendered with the given field values, to try
/// out a school's own template before installing it.
public struct LabelPreviewArgs: Sendable, Codable, Equatable {
    /// The template file's text.
    public var template: String
    /// The file's name, used in error messages.
    public var file: String?
    public var fields: [String: String]
    /// The entries of a `[repeat]` block (a slip's loans).
    public var entries: [[String: String]]?
    public var dpi: Int?

    public init(template: String, file: String? = nil, fields: [String: String], entries: [[String: String]]? = nil, dpi: Int? = nil) {
        self.template = template
        self.file = file
        self.fields = fields
        self.entries = entries
        self.dpi = dpi
    }
}

/// `commands.sheet`: the desk's command sheet on A4, at `dpi` (default 150).
public struct CommandSheetArgs: Sendable, Codable, Equatable {
    public var dpi: Int?
    public init(dpi: Int? = nil) { self.dpi = dpi }
}

public struct CommandSheetResult: Sendable, Codable, Equatable {
    public struct Command: Sendable, Codable, Equatable {
        public var code: String
        public var caption: String
        public init(code: String, caption: String) {
            self.code = code
            self.caption = caption
        }
    }

    public var commands: [Command]
    public var widthDots: Int
    public var heightDots: Int
    public var dpi: Int
    /// Base64 of the page as a 1-bit PNG (the preview), and as a one-page PDF for an office printer.
    public var png: String
    public var pdf: String

    public init(commands: [Command], widthDots: Int, heightDots: Int, dpi: Int, png: String, pdf: String) {
        self.commands = commands
        self.widthDots = widthDots
        self.heightDots = heightDots
        self.dpi = dpi
        self.png = png
        self.pdf = pdf
    }

    enum CodingKeys: String, CodingKey {
        case commands
        case widthDots = "width_dots"
        case heightDots = "height_dots"
        case dpi, png, pdf
    }
}
