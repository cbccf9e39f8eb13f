import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

/// Files the daemon makes for the client — a backup copy, a report — read piece by piece and
/// written by `quay` itself, with the user's permissions, beside FILE as FILE.partial and renamed
/// once whole: a FILE is whole or absent.
extension GlobalOptions {
    /// FILE.partial, opened for writing before anything is asked of the daemon, so that a place
    /// the user may not write costs it nothing (exit 2 when it cannot be written).
    func openPartial(_ file: String) throws -> (path: String, handle: FileHandle) {
        let partial = file + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            printError(text("không ghi được \(partial): ", "cannot write \(partial): ") + String(cString: strerror(errno)))
            throw ExitCode(CLIExit.usage)
        }
        return (partial, handle)
    }

    /// Reads the daemon's file (`size` bytes) through `op`, whose arguments `args` makes for an
    /// offset, into `handle`, with a progress line on a terminal for large files; then renames
    /// `partial` to `file`. Anything short of the whole file removes `partial` and exits 1.
    func download<Arguments: Encodable & Sendable>(
        _ connection: QuayConnection, _ op: Op, size: Int64, progress: Bilingual, partial: String, handle: FileHandle, to file: String,
        args: (Int64) -> Arguments
    ) throws {
        let showProgress = isatty(STDERR_FILENO) == 1 && size > 8 << 20
        var offset: Int64 = 0
        do {
            while true {
                guard case .success(let piece) = try request(connection, op, args: args(offset), as: FileChunk.self),
                    let bytes = Data(base64Encoded: piece.result.data)
                else { throw ExitCode(CLIExit.refused) }
                try handle.write(contentsOf: bytes)
                offset += Int64(bytes.count)
                if showProgress {
                    let percent = size > 0 ? offset * 100 / size : 100
                    FileHandle.standardError.write(Data("\r\(progress.text(language)) \(percent)%".utf8))
                }
                if piece.result.done { break }
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        guard offset == size, rename(partial, file) == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            printError(text("tệp không về trọn vẹn", "the file did not arrive whole"))
            throw ExitCode(CLIExit.refused)
        }
    }
}

extension GlobalOptions {
    /// A file quayd makes on request (`report.run`, `export.run`: both answer with a
    /// `ReportRunResult` and are read with `report.read`), written to `out` through FILE.partial,
    /// with the elapsed time on a terminal while quayd works; then "Wrote FILE (N rows)" (N records
    /// for MARC), or the reply with --json. A refusal leaves no file, and exits 1.
    func madeFile<Arguments: Encodable & Sendable>(
        _ op: Op, args: Arguments, into out: String, making: Bilingual, fetching: Bilingual
    ) throws {
        let (partial, handle) = try openPartial(out)
        let connection: QuayConnection
        do {
            connection = try connect()
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        let waiting = ElapsedLine(making.text(language))
        let answer: Swift.Result<(result: ReportRunResult, raw: [UInt8]), ErrorBody>
        do {
            answer = try request(connection, op, args: args, as: ReportRunResult.self)
        } catch {
            waiting.stop()
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        waiting.stop()
        guard case .success(let made) = answer else {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw ExitCode(CLIExit.refused)
        }
        let file = made.result
        try download(connection, .reportRead, size: file.sizeBytes, progress: fetching, partial: partial, handle: handle, to: out) {
            ReportReadArgs(report: file.report, offset: $0)
        }
        // A MARC file counts records; a table, rows.
        let (vi, en) = file.format.hasPrefix("marc") ? ("bản ghi", "records") : ("dòng", "rows")
        print(json ? String(decoding: made.raw, as: UTF8.self) : text("Đã ghi \(out) (\(file.rows) \(vi))", "Wrote \(out) (\(file.rows) \(en))"))
    }
}

/// A line on a terminal's standard error while something takes more than a second ("Đang làm
/// báo cáo… 4 s"), redrawn each second and cleared at the end; nothing when stderr is no terminal.
final class ElapsedLine: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var shown = false

    /// `progress` (asked once a second, on this line's own thread) says how far the work is,
    /// when it can tell: "45%".
    init(_ label: String, progress: (@Sendable () -> String?)? = nil) {
        guard isatty(STDERR_FILENO) == 1 else {
            running = false
            return
        }
        let start = Date()
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                let part = progress?().map { " \($0)," } ?? ""
                lock.lock()
                defer { lock.unlock() }
                guard running else { return }
                shown = true
                FileHandle.standardError.write(Data("\r\(label)…\(part) \(Int(Date().timeIntervalSince(start))) s\u{1B}[K".utf8))
            }
        }
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        if running && shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        running = false
    }
}
