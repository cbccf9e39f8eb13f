import Foundation
import QuayCore
import QuayProtocol

/// What the web console stands on: the daemon's op table and its events, and nothing else
/// (SPEC §17: another front end of the same ops as the socket, never a second path to the
/// database). quayd gives it these; a page is made of the replies of ordinary requests.
public protocol WebBackend: Sendable {
    /// One op of the table with its arguments, as a staff member (`actor`, the name the audit
    /// log gives) with their role, answered in `language`: its reply, as a socket client would
    /// read it from its reply line — the same checks and refusals, without the JSON text.
    func call<Args: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, _ args: Args?, role: StaffRole, actor: String, language: Language
    ) async -> Reply<Result>
    /// The event lines of these topics, from now on, until the stream is dropped.
    func events(_ topics: [String]) -> AsyncStream<[UInt8]>
}

/// What a staff account may do: the desk's ops, or everything (as the socket's `quay` and
/// `quay-admin` groups).
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    case desk, admin
}
