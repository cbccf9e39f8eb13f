import Dispatch
import Foundation
import Logging
import QuayCodecs
import QuayCore
import QuayDaemon
import QuayLabels
import QuayProtocol
import QuayStore

#if canImport(Glibc)
import Glibc
#endif

/// The fuzz targets (issue 13): every parser that takes bytes from outside — a socket frame, a
/// request and each op's arguments, a config file, a label template, a scanner's stream, a
/// printer's status reply. Each target says what must hold for any input; a failed check or a
/// trap is a finding.
///
/// Built twice. `make fuzz` builds it with `-sanitize=fuzzer,address -DFUZZING` into
/// `.build-fuzz`, where libFuzzer's `main` drives `LLVMFuzzerTestOneInput` with the target that
/// `QUAY_FUZZ_TARGET` names. The ordinary build has the `@main` below instead, which replays
/// files (`quay-fuzz TARGET FILE…`): how a finding is reproduced, and how `make test` runs the
/// committed corpus through every target without the sanitizer build.
enum FuzzTarget: String, CaseIterable {
    case frame, json, request, toml, config, template, evdev, hidpos, hidposDescriptor = "hidpos-descriptor", serial, scan
    case zplStatus = "zpl-status", escposStatus = "escpos-status", sip2

    func run(_ bytes: [UInt8]) {
        switch self {
        case .frame: Self.frame(bytes)
        case .json: Self.json(bytes)
        case .request: Self.request(bytes)
        case .toml: _ = try? TOMLTable(string: String(decoding: bytes, as: UTF8.self))
        case .config: _ = try? ConfigLoader.parse(String(decoding: bytes, as: UTF8.self), path: "fuzz.toml")
        case .template: _ = try? LabelTemplate.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.toml")
        case .evdev:
            var decoder = EvdevDecoder()
            for chunk in Self.chunks(bytes) { check(decoder.feed(chunk)) }
            check(decoder.tick(now: EventTime(microseconds: Int64.max / 2)))
            check(decoder.flush())
        case .hidpos:
            guard var decoder = try? HIDPOSDecoder(descriptor: Self.fixtureDescriptor) else { fatalError("the fixture descriptor") }
            for chunk in Self.chunks(bytes) { check(decoder.feed(report: chunk)) }
            check(decoder.flush())
        case .hidposDescriptor:
            if var decoder = try? HIDPOSDecoder(descriptor: bytes) {
                check(decoder.feed(report: bytes))
                check(decoder.flush())
            }
        case .serial:
            var decoder = SerialLineDecoder(options: ScanOptions(parsesAIMIdentifier: true, prefix: "<", suffix: ">"))
            for chunk in Self.chunks(bytes) { check(decoder.feed(chunk)) }
            check(decoder.flush())
        case .scan:
            let assembler = ScanAssembler(options: ScanOptions(parsesAIMIdentifier: true, prefix: "$", suffix: "#"))
            for ending in [ScanEnding.terminator, .timeout, .flush, .report] {
                if let outcome = assembler.assemble(bytes, ending: ending) { check([outcome]) }
            }
        case .zplStatus:
            _ = try? ZPLHostStatus.parse(bytes)
            var reader = ZPLHostStatus.Reader()
            for chunk in Self.chunks(bytes) { _ = try? reader.feed(Array(chunk)) }
        case .sip2: Self.sip2(bytes)
        case .escposStatus:
            for index in 0..<min(bytes.count, 64) {
                let next = { (offset: Int) in bytes.count > index + offset ? bytes[index + offset] : nil }
                _ = try? ESCPOSStatus.parse(printer: next(0), offlineCause: next(1), paperSensor: next(2))
            }
        }
    }

    /// The input cut where its own bytes say, so that every chunking is tried (STYLE §1).
    static func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let first = bytes.first else { return [] }
        let size = Int(first % 31) + 1
        return stride(from: 1, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
    }

    /// What every decoded scan must be: no longer than the scan limit of 256 bytes (counted in
    /// scalars, since an invalid byte becomes one U+FFFD of three bytes).
    func check(_ outcomes: [ScanOutcome]) {
        for case .scan(let scan) in outcomes where scan.data.unicodeScalars.count > 256 {
            fatalError("a scan of \(scan.data.unicodeScalars.count) characters passed the 256-byte limit")
        }
    }

    /// A kiosk's bytes: framed in any chunking, each message decoded in both encodings; what
    /// decodes must encode again, with a checksum that holds, and decode to the same fields.
    static func sip2(_ bytes: [UInt8]) {
        var framer = SIP2Framer(maxLength: 256)
        for chunk in chunks(bytes) {
            for case .message(let message) in framer.push(chunk) {
                precondition(message.count <= 256 && !message.contains(13), "a SIP2 frame passed the limit or holds a CR")
                for encoding in SIP2Encoding.allCases {
                    guard let (decoded, _) = try? SIP2Codec.decode(message, encoding: encoding, fixedLength: SIP2Command.fixedLength) else { continue }
                    let encoded = SIP2Codec.encode(decoded, encoding: encoding, errorDetection: true, terminator: [13])
                    precondition(encoded.last == 13 && !encoded.dropLast().contains(13), "an encoded message holds a CR")
                    guard let again = try? SIP2Codec.decode(Array(encoded.dropLast()), encoding: encoding, fixedLength: SIP2Command.fixedLength)
                    else { fatalError("a reply's own checksum does not hold") }
                    precondition(again.hadChecksum && again.message.command == decoded.command)
                }
            }
        }
    }

    static func frame(_ bytes: [UInt8]) {
        var framer = LineFramer(maxFrameLength: 64)
        for chunk in chunks(bytes) {
            framer.append(chunk)
            while let frame = framer.nextFrame() {
                if case .line(let line) = frame {
                    precondition(line.count <= 64, "a frame of \(line.count) bytes passed the limit of 64")
                    precondition(!line.contains(UInt8(ascii: "\n")), "a frame holds a line feed")
                }
            }
        }
        if case .line(let line)? = framer.finish() { precondition(line.count <= 64) }
    }

    static func json(_ bytes: [UInt8]) {
        let data = Data(bytes)
        // The request path's own decoding: the envelope, and `args` as every op's arguments.
        Dispatcher.decodeAsEveryOp(data)
        _ = JSONText.firstControl(in: bytes)
        _ = JSONText.topLevelID(in: bytes)
        // Pictured controls keep a JSON text JSON, and leave no control but LF and tab.
        let pictured = JSONText.picturingControls(bytes)
        if (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(pictured)) else {
                fatalError("picturing broke a JSON text")
            }
            if let control = JSONText.firstControl(in: Array(try! JSONEncoder().encode(value)), multilineKeys: []),
                control.scalar != 0x0A, control.scalar != 0x09
            {
                fatalError("a control survived picturing: \(control)")
            }
        }
    }

    /// The whole request path: what quayd does with a line, against a database of its own.
    static func request(_ bytes: [UInt8]) {
        let dispatcher = Shared.dispatcher
        let line = waitFor { await dispatcher.reply(to: .line(bytes), role: .admin) }
        guard let line else { return }  // a blank line
        precondition(line.count < maxFrameLength, "a reply of \(line.count) bytes")
        guard case .object(let reply)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line)), reply["ok"] != nil, reply.keys.contains("id")
        else { fatalError("not a reply: \(String(decoding: line.prefix(200), as: UTF8.self))") }
    }

    /// The report descriptor of `Tests/QuayCodecsTests/Fixtures/hidpos-descriptor.hex`.
    static let fixtureDescriptor: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x09, 0x12, 0xA1, 0x02, 0x85, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
        0x95, 0x01, 0x05, 0x01, 0x09, 0x3B, 0x81, 0x02, 0x95, 0x03, 0x05, 0x8C, 0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD, 0x81,
        0x02, 0x95, 0x38, 0x09, 0xFE, 0x82, 0x02, 0x01, 0x06, 0x66, 0xFF, 0x95, 0x02, 0x09, 0x04, 0x09, 0x00, 0x81, 0x02,
        0x05, 0x8C, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0xFF, 0x81, 0x02, 0xC0, 0x09, 0x14, 0xA1, 0x02, 0x85, 0x04,
        0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0x5F, 0x09, 0x60, 0x91, 0x02, 0xC0, 0x09, 0x15, 0xA1, 0x02,
        0x85, 0x03, 0x75, 0x08, 0x95, 0x02, 0x06, 0x66, 0xFF, 0x09, 0x10, 0x81, 0x02, 0xC0, 0xC0,
    ]
}

/// What the request target keeps between inputs: one database, one dispatcher.
enum Shared {
    static let dispatcher: Dispatcher = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quay-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard let database = try? QuayDatabase(path: directory.appendingPathComponent("fuzz.sqlite").path, synchronous: .normal) else {
            fatalError("cannot open the fuzz database in \(directory.path)")
        }
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        return Dispatcher(config: DaemonConfig(), database: database, logger: logger)
    }()
}

/// Runs async work to its end from the fuzzer's synchronous callback.
final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
    init() {}
}

func waitFor<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value {
    let box = ResultBox<Value>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["QUAY_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("quay-fuzz: QUAY_FUZZ_TARGET must be one of \(names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget.run(bytes)
    return 0
}

#if FUZZING
/// libFuzzer's driver: SwiftPM names an executable's entry point after its module and links
/// `main` to it, so the fuzzer's own `main` is not used; this entry point hands over to it.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("quay_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    _ = selectedTarget
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}
#else
/// `quay-fuzz TARGET FILE|DIRECTORY…`: each file through the target, without libFuzzer.
@main
enum Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: quay-fuzz TARGET FILE|DIRECTORY…  (targets: \(names))\n".utf8))
            exit(2)
        }
        var files: [String] = []
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            target.run(Array(data))
        }
        print("quay-fuzz \(name): \(files.count) inputs, no finding")
    }
}
#endif
