import Foundation
import QuayCore

/// The protocol's version; requests carry it as `"v"`.
public let protocolVersion = 1

/// The longest frame (one JSON line) either side accepts: 1 MiB (SPEC §8.1).
public let maxFrameLength = 1 << 20

/// A request as a client builds it.
public struct Request<Arguments: Encodable & Sendable>: Sendable, Encodable {
    public var v: Int = protocolVersion
    public var id: JSONValue
    public var op: String
    public var args: Arguments?
    public var lang: Language?

    public init(id: JSONValue, op: String, args: Arguments? = nil, lang: Language? = nil) {
        self.id = id
        self.op = op
        self.args = args
        self.lang = lang
    }
}

/// No arguments: an empty object, or any object (its keys are ignored) — but an object.
public struct NoArguments: Sendable, Codable, Equatable {
    public init() {}

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `"args":5` or `"args":[1]` is a bad request, for an op without arguments too.
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: AnyKey.self)
    }
}

/// The error part of a failed reply.
public struct ErrorBody: Sendable, Codable, Equatable, Error {
    public var code: String
    public var message: String
    public var details: [String: JSONValue]?

    public init(code: String, message: String, details: [String: JSONValue]? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }
}

/// A reply: `{"id":…,"ok":true,"result":{…}}` or `{"id":…,"ok":false,"error":{…}}`.
public struct Reply<Result: Codable & Sendable>: Sendable, Codable {
    public var id: JSONValue?
    public var ok: Bool
    public var result: Result?
    public var error: ErrorBody?

    public init(id: JSONValue?, result: Result) {
        self.id = id
        self.ok = true
        self.result = result
    }

    public init(id: JSONValue?, error: ErrorBody) {
        self.id = id
        self.ok = false
        self.error = error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // `id` is always present, null when the request had none we could read.
        try container.encode(id ?? .null, forKey: .id)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(result, forKey: .result)
        try container.encodeIfPresent(error, forKey: .error)
    }
}

/// Encoders and decoders configured the same way on both sides.
public enum WireFormat {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
