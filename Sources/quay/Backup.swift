import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

#if canImport(Glibc)
import Glibc
#endif

extension QuayCommand {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the whole database to FILE while the desk goes on (checked with integrity_check).",
            discussion: "The copy is written by quay itself, with your permissions, wherever you may write (a USB stick too).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Where to write the copy (an .sqlite file).") var file: String

        func run() throws {
            // Written beside FILE under another name, then renamed: a FILE is whole or absent.
            // Opened first, so that a place the user may not write costs the daemon nothing.
            let partial = file + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                options.printError(options.text("không ghi được \(partial): ", "cannot write \(partial): ") + String(cString: strerror(errno)))
                throw ExitCode(CLIExit.usage)
            }
            let connection: QuayConnection
            do {
                connection = try options.connect()
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
            guard case .success(let created) = try options.request(connection, .backupCreate, args: NoArguments?.none, as: BackupCreateResult.self)
            else {
                try? FileManager.default.removeItem(atPath: partial)
                throw ExitCode(CLIExit.refused)
            }
            let copy = created.result
            let showProgress = isatty(STDERR_FILENO) == 1 && copy.sizeBytes > 8 << 20
            var offset: Int64 = 0
            do {
                while true {
                    guard
                        case .success(let piece) = try options.request(
                            connection, .backupRead, args: BackupReadArgs(backup: copy.backup, offset: offset), as: BackupChunk.self),
                        let bytes = Data(base64Encoded: piece.result.data)
                    else { throw ExitCode(CLIExit.refused) }
                    try handle.write(contentsOf: bytes)
                    offset += Int64(bytes.count)
                    if showProgress {
                        let percent = copy.sizeBytes > 0 ? offset * 100 / copy.sizeBytes : 100
                        FileHandle.standardError.write(Data("\r\(options.text("Đang sao lưu", "Backing up")) \(percent)%".utf8))
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
            guard offset == copy.sizeBytes, rename(partial, file) == 0 else {
                try? FileManager.default.removeItem(atPath: partial)
                options.printError(options.text("bản sao không trọn vẹn", "the copy did not arrive whole"))
                throw ExitCode(CLIExit.refused)
            }
            if options.json {
                print(String(decoding: created.raw, as: UTF8.self))
            } else {
                let size = Formatting.bytes(copy.sizeBytes, options.language)
                print(options.text("Đã sao lưu vào \(file) (\(size), kiểm tra toàn vẹn: ok)", "Backed up to \(file) (\(size), integrity ok)"))
            }
        }
    }
}
