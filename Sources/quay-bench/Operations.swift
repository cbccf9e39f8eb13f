import Foundation
import QuayClient
import QuayStore

#if canImport(Glibc)
import Glibc
#endif

/// The operations figures (issue 15) on the data set at `path`: `quick_check` (what quayd runs
/// at start), `integrity_check` (what a backup and a restore run), an automatic backup, and
/// quayd's start to its first reply with the check running beside it.
func reportOperationsBenchmarks(bin: String, directory: String, path: String) async throws {
    let megabytes = Double(QuayDatabase.fileBytes(of: path)) / 1_048_576
    var checks: [Double] = []
    for _ in 0..<3 {
        let start = now()
        precondition(QuayDatabase.quickCheck(path: path) == nil, "the data set fails quick_check")
        checks.append(Double(now() - start) / 1e6)
    }
    let quick = checks.sorted()[1]
    print(String(format: "quick_check of the data set (%.0f MiB): %.0f ms median of 3 = %.2f ms/MiB; ready budget 300 ms: %@ — above %d MiB it runs after start",
        megabytes, quick, quick / megabytes, verdict(quick <= 300), Int(64)))
    var start = now()
    _ = try QuayDatabase.checkBackup(path)
    print(String(format: "integrity_check of the data set (restore, backup --check): %.0f ms", Double(now() - start) / 1e6))

    let database = try QuayDatabase(path: path)
    let backups = BackupDirectory(path: directory + "/backups")
    start = now()
    let entry = try await backups.take(from: database, at: Date())
    let backupSeconds = Double(now() - start) / 1e9
    try database.close()
    print(String(format: "automatic backup (copy, integrity_check, fsync, rename): %.1f s for %.0f MiB", backupSeconds,
        Double(entry.sizeBytes) / 1_048_576))
    try? FileManager.default.removeItem(atPath: entry.file)

    // quayd on the data set: start → first reply, and when the background check is done.
    start = now()
    let daemon = try startDaemon(bin: bin, directory: directory)
    let ready = Double(now() - start) / 1e6
    let connection = try QuayConnection(path: "\(directory)/quay.sock")
    var checked = 0.0
    for _ in 0..<6000 {
        let status = try connection.callRaw(op: "status", args: Optional<Int>.none)
        if String(decoding: status, as: UTF8.self).contains(#""quick_check":"ok""#) {
            checked = Double(now() - start) / 1e6
            break
        }
        usleep(10_000)
    }
    let rss = (try? String(contentsOfFile: "/proc/\(daemon.processIdentifier)/status", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        .flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") } ?? -1
    daemon.terminate()
    daemon.waitUntilExit()
    print(String(format: "quayd start → first reply on the data set: %.0f ms (target ≤ 300: %@); background quick_check ok after %.0f ms; resident %.0f MiB (target ≤ 64: %@)",
        ready, verdict(ready <= 300), checked, Double(rss) / 1024, verdict(rss >= 0 && rss <= 64 * 1024)))
}
