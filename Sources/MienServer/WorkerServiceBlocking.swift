import MienService

/// Blocking work (FFmpeg, inference) on a dispatch thread, off the
/// concurrency pool that answers requests.
enum WorkerServiceBlocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await WorkerService.runBlocking(body).get()
    }
}
