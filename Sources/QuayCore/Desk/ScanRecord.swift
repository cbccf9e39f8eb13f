import Foundation

/// One line of the scan log.
public struct ScanRecord: Sendable, Codable, Equatable {
    public var id: Int64
    public var at: String
    public var desk: String
    public var scanner: String
    public var data: String
    public var symbology: String?
    /// What came of it (`lent`, `double_read`, `unknown_item`…); nil while it is being acted on.
    public var outcome: String?
    public var refusal: String?
    public var message: String?

    public init(
        id: Int64, at: String, desk: String, scanner: String, data: String, symbology: String?, outcome: String?, refusal: String?,
        message: String?
    ) {
        self.id = id
        self.at = at
        self.desk = desk
        self.scanner = scanner
        self.data = data
        self.symbology = symbology
        self.outcome = outcome
        self.refusal = refusal
        self.message = message
    }
}
