/// A print job as the queue holds it and the protocol shows it (SPEC §7.6); the store reads
/// it without its bytes.
public struct PrintJobInfo: Sendable, Codable, Equatable {
    public var id: Int64
    public var printer: String
    public var template: String
    public var key: String?
    /// `cli`, `intake`, `desk:NAME`, `reprint`.
    public var source: String
    public var state: PrintJobState
    public var attempts: Int
    /// How often quayd stopped while the job was being sent: above 0, the label may have
    /// come out twice.
    public var interrupted: Int
    /// Why the last attempt did not print (the printer's fault, the transport's error).
    public var lastError: String?
    public var reprintOf: Int64?
    public var bytes: Int
    public var createdAt: String
    public var updatedAt: String
    public var doneAt: String?

    public init(
        id: Int64, printer: String, template: String, key: String?, source: String, state: PrintJobState, attempts: Int, interrupted: Int,
        lastError: String?, reprintOf: Int64?, bytes: Int, createdAt: String, updatedAt: String, doneAt: String?
    ) {
        self.id = id
        self.printer = printer
        self.template = template
        self.key = key
        self.source = source
        self.state = state
        self.attempts = attempts
        self.interrupted = interrupted
        self.lastError = lastError
        self.reprintOf = reprintOf
        self.bytes = bytes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.doneAt = doneAt
    }

    enum CodingKeys: String, CodingKey {
        case id, printer, template, key, source, state, attempts, interrupted
        case lastError = "last_error"
        case reprintOf = "reprint_of"
        case bytes
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case doneAt = "done_at"
    }
}
