import ArgumentParser
import Foundation
import QuayDaemon
import QuayProtocol

/// `quayd`: the circulation-desk daemon. Flags override the config file.
@main
struct QuaydCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quayd",
        abstract: "Quầy circulation-desk daemon: scanners, printers, loans, and the quay socket.",
        version: quayVersion)

    @Option(name: .long, help: "The TOML config file (default: built-in settings).")
    var config: String?

    @Option(name: .long, help: "The SQLite database file; overrides [database] path.")
    var database: String?

    @Option(name: .long, help: "The Unix socket path; overrides [socket] path.")
    var socket: String?

    @Option(name: .long, help: "Put the backup FILE back as the database (with quayd stopped), keeping the one it replaces; then exit.")
    var restore: String?

    @Flag(name: .long, help: "With --restore: put back a backup recorded for another school too.")
    var anySchool = false

    @Flag(name: .long, help: "Read a password from standard input and print its hash, for a [[sip2_account]]'s password_hash; then exit.")
    var hashPassword = false

    func run() async throws {
        if hashPassword {
            guard let line = readLine(strippingNewline: true), !line.isEmpty, let hash = Daemon.hashPassword(line) else {
                FileHandle.standardError.write(Data("quayd: give the password on standard input\n".utf8))
                throw ExitCode(1)
            }
            print(hash)
            return
        }
        let options = DaemonOptions(configPath: config, databasePath: database, socketPath: socket)
        if let restore {
            let exit = Daemon.restore(restore, options, anySchool: anySchool)
            if exit != .ok { throw ExitCode(exit.rawValue) }
            return
        }
        let exit = await Daemon.run(options, environment: ProcessInfo.processInfo.environment)
        if exit != .ok { throw ExitCode(exit.rawValue) }
    }
}
