import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MienTestSupport

/// `mien serve` started in the background on a free loopback port (`--listen
/// 127.0.0.1:0`; the port is read from its "listening on" line), with its own
/// input root, SQLite store and tokens file.
final class ServedMien {
    let folder: String
    let inputRoot: String
    let store: String
    let token = "test-token-" + UUID().uuidString
    let tokenFile: String
    let process: BackgroundMien
    let base: String

    /// Starts a server; `extra` arguments are added to `mien serve`'s.
    init(extra: [String] = []) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-serve-test-\(getpid())-\(UUID().uuidString.prefix(8))").path
        inputRoot = folder + "/inputs"
        store = "sqlite:" + folder + "/jobs.sqlite"
        tokenFile = folder + "/client-token"
        try FileManager.default.createDirectory(atPath: inputRoot, withIntermediateDirectories: true)
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let digest = try Tool.run("/bin/sh", ["-c", "printf %s \"$0\" | sha256sum | cut -d' ' -f1", token]).text
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try "# tokens of the test\nsha256:\(digest) tester\n".write(toFile: folder + "/tokens", atomically: true, encoding: .utf8)
        process = try BackgroundMien(["serve", "--store", store, "--listen", "127.0.0.1:0", "--input-root", inputRoot,
                                      "--tokens", folder + "/tokens"] + extra, log: folder + "/serve.log")
        let deadline = Date().addingTimeInterval(120)
        var found: String?
        while found == nil && Date() < deadline && process.process.isRunning {
            found = process.stderr.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") })
                .map { String($0.dropFirst("listening on ".count)) }
            if found == nil { usleep(50_000) }
        }
        guard let found else { throw FixtureError("mien serve did not start: \(process.stderr)") }
        base = found
    }

    /// A request's answer.
    struct Answer {
        let status: Int
        let body: Data
        let headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    /// Sends a request; `token` nil sends none, the default the valid one.
    func request(_ method: String, _ path: String, body: Data? = nil, token: String?? = .some(nil),
                 contentType: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 120)
        request.httpMethod = method
        let bearer: String? = switch token { case .none: nil; case .some(.none): self.token; case .some(.some(let t)): t }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Answer(status: http.statusCode, body: data, headers: headers)
    }

    /// `request` with a JSON body.
    func post(_ path: String, json: Any, token: String?? = .some(nil)) async throws -> Answer {
        try await request("POST", path, body: try JSONSerialization.data(withJSONObject: json), token: token, contentType: "application/json")
    }

    deinit {
        process.send(SIGTERM)
        if process.wait(seconds: 10) == nil { process.send(SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
