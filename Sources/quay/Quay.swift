import ArgumentParser
import Foundation
import QuayClient
import QuayCore
import QuayProtocol

#if canImport(Glibc)
import Glibc
#endif

/// `quay`: the thin client of `quayd`. One subcommand per op; it sends one request, prints
/// the reply, and never opens the database or a device itself.
///
/// Exit codes: 0 ok, 1 refused by the daemon, 2 usage error, 3 daemon unreachable.
@main
enum QuayMain {
    static func main() {
        do {
            var command = try QuayCommand.parseAsRoot(GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = QuayCommand.exitCode(for: error)
            if code == .success {
                print(QuayCommand.fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((QuayCommand.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(CLIExit.usage)
        }
    }
}

enum CLIExit {
    static let ok: Int32 = 0
    static let refused: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
}

struct QuayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quay",
        abstract: "Quầy: the circulation desk from the command line (talks to quayd).",
        discussion: "Exit codes: 0 ok, 1 refused by quayd, 2 usage error, 3 quayd unreachable.",
        version: quayVersion,
        subcommands: [
            Status.self, Ping.self, Checkout.self, ClassLoan.self, Checkin.self, Renew.self, Loans.self,
            IntakeCommand.self, RecordCommand.self, ItemCommand.self, ShelfList.self, PatronCommand.self,
            ClassCommand.self, RegisterCommand.self, EquipmentCommand.self, LessonCommand.self, PrintCommand.self,
            LabelCommand.self, Printers.self, Jobs.self, Watch.self, Scans.self, DeskCommand.self, Scanners.self,
            InventoryCommand.self, Backup.self, Backups.self, History.self, DisposalCommand.self, YearCommand.self, ReportCommand.self,
            ImportCommand.self,
            ExportCommand.self, StaffCommand.self,
        ])
}

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "quayd's socket (default: $QUAY_SOCKET, /run/quay/quay.sock, ./var/quay.sock).")
    var socket: String?

    @Flag(name: .long, help: "Print the daemon's reply as JSON.")
    var json = false

    @Option(name: .long, help: "Language of messages: vi or en (default: from the locale).")
    var lang: String?

    func validate() throws {
        if let lang, Language(tag: lang) == nil {
            throw ValidationError("--lang must be vi or en, not '\(lang)'")
        }
    }

    /// Global options may come before the subcommand (`quay --socket S status`); they are
    /// moved behind it, where the subcommand's option group reads them.
    static func hoisted(_ arguments: [String]) -> [String] {
        var rest = arguments[...]
        var leading: [String] = []
        while let first = rest.first {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            if first == "--json" || (first.contains("=") && ["--socket", "--lang"].contains(name)) {
                leading.append(first)
                rest = rest.dropFirst()
            } else if ["--socket", "--lang"].contains(first) && rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else {
                break
            }
        }
        return Array(rest) + leading
    }

    var language: Language {
        lang.flatMap(Language.init(tag:)) ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    var socketPath: String {
        SocketLocation.resolve(explicit: socket, environment: ProcessInfo.processInfo.environment)
    }

    /// Sends one request and returns the result; prints the failure and exits 1 or 3.
    func call<Arguments: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, args: Arguments?, as type: Result.Type
    ) throws -> (result: Result, raw: [UInt8]) {
        switch try request(try connect(), op, args: args, as: type) {
        case .success(let answer): return answer
        case .failure: throw ExitCode(CLIExit.refused)
        }
    }

    /// Opens a connection to quayd, or says why not and exits 3.
    func connect() throws -> QuayConnection {
        let path = socketPath
        do {
            return try QuayConnection(path: path)
        } catch {
            printError(describe(error, path: path))
            throw ExitCode(CLIExit.unreachable)
        }
    }

    /// One request on an open connection: the result, or the daemon's refusal (already
    /// printed, on stderr or as JSON).
    func request<Arguments: Encodable & Sendable, Result: Codable & Sendable>(
        _ connection: QuayConnection, _ op: Op, args: Arguments?, as type: Result.Type
    ) throws -> Swift.Result<(result: Result, raw: [UInt8]), ErrorBody> {
        do {
            let raw = try connection.callRaw(op: op.rawValue, args: args, lang: language)
            // What a person reads shows control characters as pictures (␛, not an escape sequence
            // the terminal obeys); --json prints the reply as it came.
            let reply = try WireFormat.decoder().decode(Reply<Result>.self, from: Data(json ? raw : JSONText.picturingControls(raw)))
            if reply.ok, let result = reply.result { return .success((result, raw)) }
            let error = reply.error ?? ErrorBody(code: "internal", message: "?")
            if json {
                print(String(decoding: raw, as: UTF8.self))
            } else {
                printError("\(error.message) [\(error.code)]")
            }
            return .failure(error)
        } catch let error as ClientError {
            // quayd gone mid-request (closed, reset) is unreachable, not a refusal.
            printError(describe(error, path: connection.path))
            switch error {
            case .closed, .io, .unreachable: throw ExitCode(CLIExit.unreachable)
            case .malformedReply: throw ExitCode(CLIExit.refused)
            }
        } catch {
            printError("\(Bilingual(vi: "Trả lời không hợp lệ từ quayd", en: "Malformed reply from quayd").text(language)): \(error)")
            throw ExitCode(CLIExit.refused)
        }
    }

    /// Calls the op and prints its reply: raw JSON with --json, else `render`'s text.
    func run<Arguments: Encodable & Sendable, Result: Codable & Sendable>(
        _ op: Op, args: Arguments?, as type: Result.Type, render: (Result) -> String
    ) throws {
        let (result, raw) = try call(op, args: args, as: type)
        print(json ? String(decoding: raw, as: UTF8.self) : render(result))
    }

    /// The text in the user's language.
    func text(_ vi: String, _ en: String) -> String { Bilingual(vi: vi, en: en).text(language) }

    func printError(_ message: String) {
        FileHandle.standardError.write(Data(("quay: " + message + "\n").utf8))
    }

    private func describe(_ error: ClientError, path: String) -> String {
        switch error {
        case .unreachable(_, let code):
            let reason = String(cString: strerror(code))
            return Bilingual(
                vi: "không kết nối được tới quayd tại \(path) (\(reason)).\n"
                    + "Hãy khởi động nó: `make run` khi phát triển, hoặc `sudo systemctl start quayd`; "
                    + "chọn ổ cắm khác bằng --socket hoặc QUAY_SOCKET.",
                en: "cannot reach quayd at \(path) (\(reason)).\n"
                    + "Start it: `make run` in development, or `sudo systemctl start quayd`; "
                    + "pick another socket with --socket or QUAY_SOCKET."
            ).text(language)
        case .closed:
            return Bilingual(vi: "quayd đã đóng kết nối", en: "quayd closed the connection").text(language)
        case .malformedReply(let text):
            return Bilingual(vi: "trả lời không hợp lệ: ", en: "malformed reply: ").text(language) + text
        case .io(let code):
            return String(cString: strerror(code))
        }
    }
}

extension ClientError {
    var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }
}
