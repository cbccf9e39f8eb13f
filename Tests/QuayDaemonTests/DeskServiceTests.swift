import Foundation
import Logging
import NIOConcurrencyHelpers
import QuayCore
import Testing

@testable import QuayDaemon
@testable import QuayStore

/// The desks' service ends when it is cancelled, not only on a graceful shutdown: when another
/// service of quayd fails, the group cancels the rest, and a desk's clock that slept with
/// `try?` then returned at once, forever — quayd spun a core and never exited.
@Suite struct DeskServiceTests {
    @Test func aCancelledDeskServiceEnds() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-desks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try QuayDatabase(path: directory.appendingPathComponent("quay.sqlite").path)
        var config = DaemonConfig()
        config.desks = [DeskSettings(name: "quay-1")]
        let state = DaemonState(config: config, configPath: nil, database: database, boundSocketPath: nil, activated: false, now: Date.init)
        let service = DeskService(state: state, events: state.events, logger: Logger(label: "test"))
        let ended = NIOLockedValueBox(false)
        let running = Task {
            try? await service.run()
            ended.withLockedValue { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(300))
        running.cancel()
        let deadline = ContinuousClock.now + .seconds(3)
        while !ended.withLockedValue({ $0 }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(ended.withLockedValue { $0 }, "the service ended within 3 s of being cancelled")
    }
}
