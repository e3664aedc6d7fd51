import Foundation
import Hummingbird
import Logging
import MienJobs
import NIOCore

/// Limits the server keeps to.
public struct ServerLimits: Sendable {
    /// Largest image body for `/v1/predict`, bytes (413 past it).
    public var imageBytes: Int
    /// Largest JSON body, bytes (413 past it).
    public var jsonBytes: Int
    /// Longest a request's work may take before a 503 (predicting, submitting, collecting).
    public var requestSeconds: Double
    /// Longest a connection may stay idle (no bytes either way) before it is closed.
    public var idleSeconds: Double
    /// Predictions run at once; more wait their turn.
    public var concurrentPredictions: Int
    /// The most bytes of finished videos' collected files kept for later
    /// requests (`CollectedVideos`): past it the least recently used go.
    public var keptCollectionBytes: Int64 = 4 << 30

    /// Creates limits.
    public init(imageBytes: Int = 16 << 20, jsonBytes: Int = 1 << 20, requestSeconds: Double = 120, idleSeconds: Double = 60,
                concurrentPredictions: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        self.imageBytes = imageBytes
        self.jsonBytes = jsonBytes
        self.requestSeconds = requestSeconds
        self.idleSeconds = idleSeconds
        self.concurrentPredictions = concurrentPredictions
    }
}

/// `mien serve`: the HTTP API over a job store (Hummingbird 2). Routes (the
/// description is `Jobs/api/openapi.yaml`):
/// - `GET /healthz`, `GET /metrics`: no token;
/// - `POST /v1/predict`: one image's faces;
/// - `/v1/jobs...`: submit, list, status, cancel, retry, timeline, meta (`JobRoutes`).
/// Every `/v1` route needs `Authorization: Bearer TOKEN`; every error is JSON.
public struct MienServer: Sendable {
    /// The store jobs live in.
    public let store: any JobStore
    /// Where inputs must be.
    public let root: InputRoot
    /// Accepted tokens.
    public let tokens: TokenSet
    /// Face detection and classification for `/v1/predict`.
    public let predictor: ImagePredictor
    /// `generator` of the meta files (`mien VERSION`, as `mien collect` writes it).
    public let generator: String
    /// Limits.
    public let limits: ServerLimits
    /// Metrics.
    public let metrics = ServerMetrics()
    /// Finished videos' collected files, kept while the server runs (up to `limits.keptCollectionBytes`).
    let collected: CollectedVideos

    /// Creates a server.
    public init(store: any JobStore, root: InputRoot, tokens: TokenSet, predictor: ImagePredictor, generator: String,
                limits: ServerLimits = ServerLimits()) {
        self.store = store
        self.root = root
        self.tokens = tokens
        self.predictor = predictor
        self.generator = generator
        self.limits = limits
        collected = CollectedVideos(budget: limits.keptCollectionBytes)
    }

    /// The routes.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware())
        router.get("healthz") { _, _ in JSONResponse.make(Data(#"{"status":"ok"}"#.utf8)) }
        router.get("metrics") { [metrics, store] _, _ in
            if let jobs = try? await store.jobs() { metrics.update(jobs: jobs) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        let v1 = router.group("v1").add(middleware: BearerAuthMiddleware(tokens: tokens))
        let predictions = ConcurrencyLimit(limits.concurrentPredictions)
        v1.post("predict") { [predictor, limits] request, _ in
            let body = try await Body.collect(request, limit: limits.imageBytes)
            let bytes = Array(body.readableBytesView)
            guard ImagePredictor.imageKind(bytes) != nil else {
                throw APIError(.unsupportedMediaType, "the body is not a JPEG or PNG image")
            }
            let faces = try await Deadline.run(limits.requestSeconds, "the prediction") {
                try await predictions.run {
                    try await WorkerServiceBlocking.run { try predictor.predict(bytes) }
                }
            }
            return JSONResponse.make(Data(ImagePredictor.responseJSON(faces).utf8))
        }
        JobRoutes(store: store, root: root, generator: generator, limits: limits, collected: collected).register(on: v1)
        return router
    }

    /// Serves on `host:port` until SIGTERM or SIGINT; `onListening` is told
    /// the bound port (useful with port 0: any free port).
    public func run(host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "mien-serve")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(limits.idleSeconds * 1e9)))),
            configuration: .init(address: .hostname(host, port: port), serverName: "mien"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
        defer { collected.removeAll() }
        try await app.runService()
        predictor.removeScratch()
    }
}
