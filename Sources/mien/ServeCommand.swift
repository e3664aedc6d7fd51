import ArgumentParser
import Foundation
import MienPipeline
import MienServer

extension Mien {
    /// `mien serve`: the HTTP API (Hummingbird) over a job store.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the HTTP API: jobs (submit, status, cancel, retry, timelines) and single-image prediction.",
            discussion: """
                Routes are described in Jobs/api/openapi.yaml. GET /healthz and GET /metrics need no \
                token; every /v1 route needs Authorization: Bearer TOKEN for a token in the tokens file, \
                which holds one line per token, sha256:HEX of the token (make it with: printf %s "$TOKEN" \
                | sha256sum), optionally followed by a label. Job inputs are paths under --input-root \
                (links that lead out are refused); workers open them by the same absolute paths, so \
                the root must be mounted at the same place on the workers. Writes "listening on \
                http://HOST:PORT" to stderr once it accepts connections; stops on SIGTERM or SIGINT.
                """
        )

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: ArgumentHelp("Address to listen on (port 0: any free port).", valueName: "HOST:PORT"))
        var listen = "127.0.0.1:8080"

        @Option(help: ArgumentHelp("Folder every job input must be inside.", valueName: "DIR"))
        var inputRoot: String

        @Option(help: ArgumentHelp("File of accepted tokens, one sha256:HEX a line.", valueName: "FILE"))
        var tokens: String

        @Option(help: "Largest image for /v1/predict, bytes (413 past it).")
        var maxImageBytes = ServerLimits().imageBytes

        @Option(help: "Seconds a request's work (prediction, submission, collection) may take before a 503.")
        var requestTimeout = ServerLimits().requestSeconds

        @Option(help: "Predictions run at once (more wait their turn; default: the number of cores).")
        var predictions = ServerLimits().concurrentPredictions

        @Option(help: """
            Bytes of finished videos' collected files kept for later requests (default 4 GiB); past it \
            the least recently used are removed and collected again when asked for.
            """)
        var keptCollectionBytes = ServerLimits().keptCollectionBytes

        func validate() throws {
            _ = try Self.address(listen)
            if maxImageBytes < 1024 { throw ValidationError("--max-image-bytes must be at least 1024.") }
            if !(requestTimeout > 0) { throw ValidationError("--request-timeout must be a positive number of seconds.") }
            if predictions < 1 { throw ValidationError("--predictions must be at least 1.") }
            if keptCollectionBytes < 0 { throw ValidationError("--kept-collection-bytes must be 0 or more.") }
        }

        /// `HOST:PORT` (`[::1]:8080` for IPv6) split.
        static func address(_ text: String) throws -> (host: String, port: Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080.")
            }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080.") }
            return (host, port)
        }

        func run() async throws {
            let (host, port) = try Self.address(listen)
            let root: InputRoot, tokenSet: TokenSet, predictor: ImagePredictor
            do {
                root = try InputRoot(inputRoot)
                tokenSet = try TokenSet.load(tokens)
            } catch let error as ServerSetupError { throw Fatal(error.description) }
            do { predictor = try ImagePredictor() } catch let error as AnalysisError { throw Fatal(error.message) } catch {
                throw Fatal("\(error)")
            }
            let store = try await storeOptions.open()
            var limits = ServerLimits(requestSeconds: requestTimeout, concurrentPredictions: predictions)
            limits.imageBytes = maxImageBytes
            limits.keptCollectionBytes = keptCollectionBytes
            let server = MienServer(store: store, root: root, tokens: tokenSet, predictor: predictor,
                                    generator: "mien \(Mien.configuration.version)", limits: limits)
            do {
                try await server.run(host: host, port: port) { bound in
                    Mien.warn("listening on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)")
                }
            } catch {
                await store.close()
                throw Fatal("cannot serve on \(listen): \(error)")
            }
            await store.close()
        }
    }
}
