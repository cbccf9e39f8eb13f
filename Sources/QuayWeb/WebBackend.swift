import Foundation

/// What the web console stands on: the daemon's op table and its events, and nothing else
/// (SPEC §17: another front end of the same ops as the socket, never a second path to the
/// database). quayd gives it these; a page is made of the replies of ordinary requests.
public protocol WebBackend: Sendable {
    /// One request line (`{"v":1,"id":…,"op":…,"args":…}`) through the op table, as a staff
    /// member (`actor`, the name the audit log gives) with their role; the reply line.
    func call(_ request: [UInt8], role: StaffRole, actor: String) async -> [UInt8]
    /// The event lines of these topics, from now on, until the stream is dropped.
    func events(_ topics: [String]) -> AsyncStream<[UInt8]>
}

/// What a staff account may do: the desk's ops, or everything (as the socket's `quay` and
/// `quay-admin` groups).
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    case desk, admin
}
