import Foundation
import QuayClient
import QuayProtocol
import QuayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `quay backup FILE` against a real quayd (issue 15).
@Suite struct BackupTests {
    func sqlite(_ database: String, _ sql: String) throws -> String {
        try runProgram("/usr/bin/sqlite3", [database, sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aBackupTakenDuringCheckoutsFromTwoClientsIsWholeAndHoldsWhatWasAcknowledgedBefore() throws {
        let daemon = try DaemonHarness()
        let count = 500
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "\(count)", "--title", "Lão Hạc"]).status == 0)
        let csv = "card,name\n" + (1...count).map { String(format: "HS%06d,Em %d", $0, $0) }.joined(separator: "\n") + "\n"
        _ = try QuayConnection(path: daemon.socketPath).callRaw(op: "patron.import", args: JSONValue.object(["csv": .string(csv)]))

        // Two clients lend, each its half, and note when each loan was acknowledged.
        final class Acknowledged: @unchecked Sendable {
            let lock = NSLock()
            var items: [(item: String, at: Date)] = []
        }
        let acknowledged = Acknowledged()
        let socket = daemon.socketPath
        let lenders = (0..<2).map { half in
            Thread {
                guard let connection = try? QuayConnection(path: socket) else { return }
                for index in stride(from: half + 1, through: count, by: 2) {
                    let item = String(format: "STK.%06d", index)
                    let args = JSONValue.object(["patron": .string(String(format: "HS%06d", index)), "item": .string(item)])
                    if let line = try? connection.callRaw(op: "loan.checkout", args: args), (try? object(line))?["ok"] == .bool(true) {
                        acknowledged.lock.lock()
                        acknowledged.items.append((item, Date()))
                        acknowledged.lock.unlock()
                    }
                }
            }
        }
        for lender in lenders { lender.start() }
        usleep(300_000)
        let before = Date()
        let file = daemon.directory.appendingPathComponent("sao-luu.sqlite").path
        let backup = try daemon.quay(["backup", file, "--lang", "vi"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("Đã sao lưu vào \(file)") && backup.stdout.contains("kiểm tra toàn vẹn: ok"), "\(backup.stdout)")
        while lenders.contains(where: { !$0.isFinished }) { usleep(50_000) }

        // One file, whole, and consistent: every open loan's copy is on loan in the copy too.
        #expect(!FileManager.default.fileExists(atPath: file + "-wal"))
        #expect(try sqlite(file, "PRAGMA integrity_check;") == "ok")
        #expect(try sqlite(file, "PRAGMA journal_mode;") == "delete")
        #expect(try sqlite(file, "SELECT count(*) FROM item;") == "\(count)")
        let loans = Int(try sqlite(file, "SELECT count(*) FROM loan WHERE returned_at IS NULL;")) ?? -1
        let onLoan = Int(try sqlite(file, "SELECT count(*) FROM item WHERE status = 'on_loan';")) ?? -2
        #expect(loans == onLoan, "\(loans) open loans, \(onLoan) copies on loan: a half transaction")
        acknowledged.lock.lock()
        let acknowledgedBefore = acknowledged.items.filter { $0.at < before }.map(\.item)
        let total = acknowledged.items.count
        acknowledged.lock.unlock()
        let list = acknowledgedBefore.map { "'\($0)'" }.joined(separator: ",")
        let inCopy = acknowledgedBefore.isEmpty
            ? "0" : try sqlite(file, "SELECT count(*) FROM loan JOIN item ON item.id = loan.item_id WHERE item.barcode IN (\(list));")
        print("backup during checkouts: \(total) loans acknowledged, \(acknowledgedBefore.count) before the backup, \(loans) in it")
        #expect(Int(inCopy) == acknowledgedBefore.count, "every loan acknowledged before the backup is in it")
        #expect(loans >= acknowledgedBefore.count && loans <= total)
        #expect(total == count)
        // The daemon kept no copy of its own.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: daemon.directory.path).filter { $0.contains(".backup-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func theFileIsTheUsersOwnAndAStaleCopyGoesAtStart() throws {
        let daemon = try DaemonHarness(extraConfig: "[access]\ndesk_group = \"users\"\n", socketSection: "mode = \"0666\"")
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "3", "--title", "Số đỏ"]).status == 0)
        let home = daemon.directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        chown(home.path, 65534, 65534)
        let file = home.appendingPathComponent("b.sqlite").path
        let result = try runProgram(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--groups=100", binDirectory.appendingPathComponent("quay").path, "--socket",
             daemon.socketPath, "--lang", "en", "backup", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Backed up to \(file)"), "\(result.stdout)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.ownerAccountID] as? NSNumber)?.intValue == 65534)
        #expect(try sqlite(file, "SELECT count(*) FROM item;") == "3")
        // A place nobody may write: refused before anything is asked of the daemon's disk.
        let refused = try daemon.quay(["backup", "/nonexistent/dir/b.sqlite"])
        #expect(refused.status != 0 && refused.stderr.contains("cannot write"), "\(refused.stderr)")

        // A copy a client never finished (the daemon killed mid-read) is removed at the next start.
        let stale = daemon.directory.appendingPathComponent("quay.sqlite.backup-1-1.tmp").path
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("x".utf8)))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        try daemon.launch()
        #expect(!FileManager.default.fileExists(atPath: stale))
    }

    @Test func quaydRestorePutsABackupBackAndKeepsTheDatabaseItReplaces() throws {
        let daemon = try DaemonHarness()
        let database = daemon.directory.appendingPathComponent("quay.sqlite").path
        let quayd = binDirectory.appendingPathComponent("quayd").path
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "5", "--title", "Trước"]).status == 0)
        let file = daemon.directory.appendingPathComponent("b.sqlite").path
        #expect(try daemon.quay(["backup", file]).status == 0)
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "7", "--title", "Sau"]).status == 0)

        // Not while quayd runs on the database.
        let running = try runProgram(quayd, ["--config", daemon.configURL.path, "--restore", file])
        #expect(running.status == 75 && running.stderr.contains("stop it first"), "\(running.stderr)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        // What is not a whole Quầy backup is refused, and nothing changes.
        let garbage = daemon.directory.appendingPathComponent("garbage.sqlite").path
        try "không phải cơ sở dữ liệu".write(toFile: garbage, atomically: true, encoding: .utf8)
        let foreign = daemon.directory.appendingPathComponent("foreign.sqlite").path
        _ = try runProgram("/usr/bin/sqlite3", [foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (1);"])
        let damaged = daemon.directory.appendingPathComponent("damaged.sqlite").path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        for offset in stride(from: 4096 * 3, to: min(bytes.count, 4096 * 12), by: 7) { bytes[offset] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: damaged))
        for (bad, reason) in [(garbage, "not a database"), (foreign, "not a Quầy database"), (damaged, "")] {
            let refused = try runProgram(quayd, ["--config", daemon.configURL.path, "--restore", bad])
            #expect(refused.status == 65, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.contains("not restored, nothing changed") && (reason.isEmpty || refused.stderr.contains(reason)), "\(refused.stderr)")
        }
        #expect(try sqlite(database, "SELECT count(*) FROM item;") == "12")

        // Another school's backup: refused with both names, unless asked for by --any-school.
        let other = daemon.directory.appendingPathComponent("other.sqlite").path
        try FileManager.default.copyItem(atPath: file, toPath: other)
        _ = try sqlite(other, "UPDATE school SET name = 'Trường Khác';")
        let foreignSchool = try runProgram(quayd, ["--config", daemon.configURL.path, "--restore", other])
        #expect(foreignSchool.status == 65 && foreignSchool.stderr.contains("«Trường Khác»") && foreignSchool.stderr.contains("«Trường Thử»"),
            "\(foreignSchool.stderr)")
        #expect(try sqlite(database, "SELECT count(*) FROM item;") == "12")

        let restored = try runProgram(quayd, ["--config", daemon.configURL.path, "--restore", file])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored \(file) to \(database) — Trường Thử (5 bản sách / copies"), "\(restored.stdout)")
        let kept = try #require(
            try FileManager.default.contentsOfDirectory(atPath: daemon.directory.path).first { $0.hasPrefix("quay.sqlite.before-restore-") })
        #expect(restored.stdout.contains("kept as \(daemon.directory.path)/\(kept)"))
        #expect(try sqlite(daemon.directory.appendingPathComponent(kept).path, "SELECT count(*) FROM item;") == "12")

        try daemon.launch()
        let status = try daemon.quay(["status", "--json"])
        #expect(status.stdout.contains(#""item":5"#), "\(status.stdout)")
        let next = try daemon.quay(["intake", "--register", "STK", "--copies", "1", "--title", "Tiếp", "--json"])
        #expect(next.stdout.contains("STK.000006"), "numbering goes on from the backup: \(next.stdout)")

        // --any-school puts another school's backup back when that is what is meant.
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let anyway = try runProgram(quayd, ["--config", daemon.configURL.path, "--restore", other, "--any-school"])
        #expect(anyway.status == 0 && anyway.stdout.contains("— Trường Khác (5 bản sách"), "\(anyway.stdout)\(anyway.stderr)")
        let keptFiles = try FileManager.default.contentsOfDirectory(atPath: daemon.directory.path).filter { $0.hasPrefix("quay.sqlite.before-restore-") }
        #expect(keptFiles.count == 2, "each restore keeps what it replaced: \(keptFiles)")
    }

    /// Writes the daemon's config with this `[backup]` section.
    func configure(_ daemon: DaemonHarness, backup: String) throws {
        try (DaemonHarness.config(directory: daemon.directory) + "\n[backup]\n" + backup)
            .write(to: daemon.configURL, atomically: true, encoding: .utf8)
    }

    /// The files of the automatic backups in `directory`, oldest first; and whether a hidden
    /// temporary file (a backup being written) is there.
    func automaticBackups(_ directory: String) -> (files: [String], temporary: Bool) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return (names.filter { $0.hasPrefix("quay-") && $0.hasSuffix(".sqlite") }.sorted(), names.contains { $0.hasSuffix(".tmp") })
    }

    @Test func automaticBackupsAreTakenOnScheduleCheckedAndRotatedToTheirCount() throws {
        let daemon = try DaemonHarness(start: false)
        let directory = daemon.directory.appendingPathComponent("sao-luu").path
        try configure(daemon, backup: "directory = \"\(directory)\"\nevery = \"1s\"\nkeep = 3\n")
        try daemon.launch()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "40", "--title", "Tắt đèn"]).status == 0)
        // Six backups at least, never more than three kept — four for the moment between a new
        // one's rename and the oldest's removal (so a crash there leaves one more, never one fewer).
        var seen = Set<String>()
        let deadline = Date().addingTimeInterval(60)
        while seen.count < 6 && Date() < deadline {
            let files = automaticBackups(directory).files
            #expect(files.count <= 4, "\(files)")
            seen.formUnion(files)
            usleep(100_000)
        }
        #expect(seen.count >= 6, "\(seen)")

        let listed = try daemon.quay(["backups", "--check", "--lang", "vi"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("Sao lưu tự động vào \(directory), mỗi 1s, giữ 3 bản"), "\(listed.stdout)")
        #expect(listed.stdout.components(separatedBy: "ok (vừa kiểm tra)").count - 1 >= 3, "\(listed.stdout)")
        let status = try daemon.quay(["status", "--json"])
        let backup = try #require(try object(Array(status.stdout.utf8))["result"]?.objectValue?["backup"]?.objectValue)
        #expect(backup["automatic"] == .bool(true) && backup["overdue"] == .bool(false) && backup["keep"] == .int(3))
        #expect(backup["schedule"] == .string("every 1s") && backup["last_error"] == .null)
        #expect(backup["last_good_file"]?.stringValue?.hasPrefix(directory + "/quay-") == true, "\(backup)")
        let human = try daemon.quay(["status", "--lang", "en"])
        #expect(human.stdout.contains("Backups      every 1s → \(directory), newest 20"), "\(human.stdout)")
        #expect(human.stdout.contains("Check        quick_check ok") && !human.stdout.contains("! "), "\(human.stdout)")
        // Stopped, with its last backup rotated: exactly three, each whole and for the school only.
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let kept = automaticBackups(directory).files
        #expect(kept.count == 3 && !automaticBackups(directory).temporary, "\(kept)")
        for name in kept {
            let file = directory + "/" + name
            #expect(try sqlite(file, "PRAGMA integrity_check;") == "ok")
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o640, "\(name)")
        }
        #expect(try sqlite(directory + "/" + kept.last!, "SELECT count(*) FROM item;") == "40")
    }

    @Test func aSIGKILLDuringAnAutomaticBackupLeavesTheEarlierOnesWholeAndVerified() throws {
        let daemon = try DaemonHarness()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "30000", "--title", "Truyện Kiều"]).status == 0)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let directory = daemon.directory.appendingPathComponent("backups").path
        try configure(daemon, backup: "directory = \"\(directory)\"\nevery = \"1s\"\nkeep = 50\n")
        try daemon.launch()
        var kills = 0
        for round in 0..<5 {
            // Killed while a backup is being written (its temporary file is there), after
            // `round` backups have been completed.
            let deadline = Date().addingTimeInterval(30)
            while automaticBackups(directory).files.count < round && Date() < deadline { usleep(2000) }
            while !automaticBackups(directory).temporary && Date() < deadline { usleep(500) }
            let before = automaticBackups(directory)
            guard before.temporary else { break }
            daemon.signal(SIGKILL)
            _ = daemon.waitForExit()
            kills += 1
            let after = automaticBackups(directory).files
            #expect(Set(before.files).isSubset(of: Set(after)), "every earlier backup is still there")
            for name in after {
                let file = directory + "/" + name
                #expect(try sqlite(file, "PRAGMA integrity_check;") == "ok", "\(name)")
                #expect(try sqlite(file, "SELECT count(*) FROM item;") == "30000", "\(name)")
            }
            try daemon.launch()
        }
        #expect(kills == 5)
        #expect(automaticBackups(directory).files.count >= 4)
        // The next start removed what the killed backup left.
        usleep(200_000)
        let listed = try daemon.quay(["backups", "--json"])
        #expect(listed.status == 0 && listed.stdout.contains(#""verified":true"#), "\(listed.stdout)")
        #expect(try sqlite(daemon.directory.appendingPathComponent("quay.sqlite").path, "PRAGMA integrity_check;") == "ok")
    }

    @Test func aFailingAutomaticBackupIsSaidInStatusWatchAndTheLog() throws {
        let daemon = try DaemonHarness(start: false)
        // A file where the directory should be: every backup fails.
        let directory = daemon.directory.appendingPathComponent("not-a-directory").path
        #expect(FileManager.default.createFile(atPath: directory, contents: Data("x".utf8)))
        try configure(daemon, backup: "directory = \"\(directory)\"\ndaily_at = \"17:30\"\n")
        try daemon.launch()
        #expect(daemon.waitForLog("automatic backup failed"), "\(daemon.log)")
        let status = try daemon.quay(["status", "--json"])
        let backup = try #require(try object(Array(status.stdout.utf8))["result"]?.objectValue?["backup"]?.objectValue)
        #expect(backup["overdue"] == .bool(true) && backup["last_good_at"] == .null && backup["schedule"] == .string("daily 17:30"))
        #expect(backup["last_error"]?.stringValue?.isEmpty == false, "\(backup)")
        let human = try daemon.quay(["status", "--lang", "vi"])
        #expect(human.stdout.contains("! chưa có bản sao lưu tự động nào"), "\(human.stdout)")

        let watch = try ChildProcess(
            binDirectory.appendingPathComponent("quay").path, ["--socket", daemon.socketPath, "--lang", "en", "watch"],
            environment: ProcessInfo.processInfo.environment, stdout: daemon.directory.appendingPathComponent("watch.out").path,
            stderr: "/dev/null")
        defer { watch.signal(SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        var seen = ""
        while Date() < deadline {
            seen = (try? String(contentsOf: daemon.directory.appendingPathComponent("watch.out"), encoding: .utf8)) ?? ""
            if seen.contains("no automatic backup yet") { break }
            usleep(50_000)
        }
        #expect(seen.contains("! no automatic backup yet"), "\(seen)")
    }

    @Test func aDatabaseWithACorruptedPageIsRefusedAtStartNamingTheNewestGoodBackup() throws {
        let daemon = try DaemonHarness(start: false)
        let directory = daemon.directory.appendingPathComponent("backups").path
        try configure(daemon, backup: "directory = \"\(directory)\"\nevery = \"1d\"\n")
        try daemon.launch()
        #expect(try daemon.quay(["intake", "--register", "STK", "--copies", "2000", "--title", "Chí Phèo"]).status == 0)
        // The first backup is taken at start; a second, newer one that is damaged must not be named.
        let deadline = Date().addingTimeInterval(10)
        while automaticBackups(directory).files.isEmpty && Date() < deadline { usleep(50_000) }
        let good = try #require(automaticBackups(directory).files.first)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let newer = directory + "/quay-29991231-235959.sqlite"
        try "hỏng".write(toFile: newer, atomically: true, encoding: .utf8)

        let database = daemon.directory.appendingPathComponent("quay.sqlite").path
        _ = try sqlite(database, "PRAGMA wal_checkpoint(TRUNCATE);")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        let pages = bytes.count / 4096
        #expect(pages > 20)
        for offset in stride(from: 4096 * (pages / 2), to: 4096 * (pages / 2 + 4), by: 5) { bytes[offset] ^= 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: database))
        let before = try Data(contentsOf: URL(fileURLWithPath: database))

        try daemon.launch(arguments: ["--config", daemon.configURL.path])
        #expect(daemon.waitForExit() == 74)
        #expect(daemon.log.contains("is damaged") && daemon.log.contains("bị hỏng"), "\(daemon.log)")
        #expect(daemon.log.contains("The newest good backup: \(directory)/\(good)"), "\(daemon.log)")
        #expect(daemon.log.contains("--restore \(directory)/\(good)") && !daemon.log.contains("29991231"), "\(daemon.log)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "nothing was written to the damaged file")

        // The named backup puts the desk back.
        let quayd = binDirectory.appendingPathComponent("quayd").path
        let restored = try runProgram(quayd, ["--config", daemon.configURL.path, "--restore", directory + "/" + good])
        #expect(restored.status == 0, "\(restored.stderr)")
        try daemon.launch()
        #expect(try daemon.quay(["status", "--json"]).stdout.contains(#""quick_check":"ok""#))
    }
}
