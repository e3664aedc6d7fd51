import Foundation
import Testing

@testable import MienPipeline

@Suite struct SmoothingMethodTests {
    @Test(arguments: [
        ("none", SmoothingMethod.none),
        ("ema", .ema(timeConstant: SmoothingMethod.defaultTimeConstant)),
        ("ema:0.5", .ema(timeConstant: 0.5)),
        (" EMA : 0.25 ", .ema(timeConstant: 0.25)),
        ("window", .window(seconds: SmoothingMethod.defaultWindowSeconds)),
        ("window:1.0", .window(seconds: 1.0)),
        ("window:0", .window(seconds: 0)),
        ("hmm", .hmm(stickiness: SmoothingMethod.defaultStickiness)),
        ("hmm:0.95", .hmm(stickiness: 0.95)),
        ("Hmm:0.99", .hmm(stickiness: 0.99)),
    ])
    func parsesTheCommandLineForm(text: String, expected: SmoothingMethod) throws {
        #expect(try SmoothingMethod(parsing: text) == expected)
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        #expect(try SmoothingMethod(parsing: "ema") == .ema(timeConstant: 0.5))
        #expect(try SmoothingMethod(parsing: "window") == .window(seconds: 1.0))
        #expect(try SmoothingMethod(parsing: "hmm") == .hmm(stickiness: 0.95))
    }

    @Test(arguments: [
        ("", SmoothingMethodError.Code.unknownMethod),
        ("   ", .unknownMethod),
        (":0.5", .unknownMethod),
        ("median:3", .unknownMethod),
        ("emma:0.5", .unknownMethod),
        ("ema:", .badParameter),
        ("ema:abc", .badParameter),
        ("ema:0.5s", .badParameter),
        ("ema:nan", .badParameter),
        ("ema:inf", .badParameter),
        ("hmm:0.9:1", .badParameter),
        ("none:1", .unexpectedParameter),
        ("none:", .unexpectedParameter),
        ("ema:0", .parameterOutOfRange),
        ("ema:-1", .parameterOutOfRange),
        ("window:-0.5", .parameterOutOfRange),
        ("hmm:0", .parameterOutOfRange),
        ("hmm:1", .parameterOutOfRange),
        ("hmm:1.5", .parameterOutOfRange),
    ])
    func rejectsBadTextWithAClearError(text: String, code: SmoothingMethodError.Code) {
        do {
            let method = try SmoothingMethod(parsing: text)
            Issue.record("'\(text)' parsed as \(method)")
        } catch {
            #expect(error.code == code, "'\(text)': \(error.message)")
            #expect(error.text == text)
            #expect(error.message.contains("'\(text)'"))
            #expect(error.message.contains("expected none | ema"))
        }
    }

    @Test(arguments: [
        SmoothingMethod.none, .ema(timeConstant: 0.3), .window(seconds: 1.5), .hmm(stickiness: 0.97),
    ])
    func descriptionParsesBack(method: SmoothingMethod) throws {
        #expect(try SmoothingMethod(parsing: method.description) == method)
    }

    @Test(arguments: [
        SmoothingMethod.none, .ema(timeConstant: 0.3), .window(seconds: 1.5), .hmm(stickiness: 0.97),
    ])
    func codableRoundTrips(method: SmoothingMethod) throws {
        let data = try JSONEncoder().encode(method)
        #expect(try JSONDecoder().decode(SmoothingMethod.self, from: data) == method)
    }

    @Test func codableFormIsKeyedByMethodName() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(SmoothingMethod.ema(timeConstant: 0.5)), as: UTF8.self)
        #expect(json == #"{"ema":{"timeConstant":0.5}}"#)
        let hmm = try JSONDecoder().decode(SmoothingMethod.self, from: Data(#"{"hmm":{"stickiness":0.9}}"#.utf8))
        #expect(hmm == .hmm(stickiness: 0.9))
    }

    @Test func validateNamesTheRange() {
        #expect(throws: SmoothingMethodError.self) { try SmoothingMethod.ema(timeConstant: -1).validate() }
        #expect(throws: SmoothingMethodError.self) { try SmoothingMethod.hmm(stickiness: .nan).validate() }
        #expect(throws: Never.self) { try SmoothingMethod.window(seconds: 0).validate() }
        #expect(throws: Never.self) { try SmoothingMethod.none.validate() }
    }
}
