import Foundation
import Hummingbird
import MienJobs
import MienPipeline
import MienService
import NIOCore

/// The `/v1/jobs` routes: submit, list, status, cancel, retry, and a
/// finished video's timeline and meta file. They go through the same code as
/// `mien submit`, `status` and `collect` (`JobSubmitter`, `StatusReport`,
/// `JobCollector`), so the answers are what those commands print or write.
struct JobRoutes: Sendable {
    let store: any JobStore
    let root: InputRoot
    let generator: String
    let limits: ServerLimits
    let collected: CollectedVideos

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.post("jobs") { request, context in try await submit(request, context) }
        group.get("jobs") { _, _ in
            let jobs = try await storeCall { try await store.jobs() }
            return JSONResponse.make(try ReportJSON.encode(jobs))
        }
        group.get("jobs/:id") { _, context in
            let id = try Self.pathParameter("id", of: context)
            let progress = try await storeCall { try await store.status(of: id) }
            return JSONResponse.make(try ReportJSON.encode(StatusReport(progress)))
        }
        group.post("jobs/:id/cancel") { _, context in
            let id = try Self.pathParameter("id", of: context)
            try await storeCall { try await store.cancel(id) }
            return JSONResponse.make(try ReportJSON.encode(["id": id]))
        }
        group.post("jobs/:id/retry") { _, context in
            let id = try Self.pathParameter("id", of: context)
            let revived = try await storeCall { try await store.retryDead(in: id) }
            return JSONResponse.make(try ReportJSON.encode(RetryAnswer(id: id, revived: revived)))
        }
        group.get("jobs/:id/videos/:name/meta") { _, context in
            let collected = try await collect(try Self.pathParameter("id", of: context), try Self.pathParameter("name", of: context))
            defer { collected.remove() }
            guard let meta = FileManager.default.contents(atPath: collected.paths.meta) else {
                throw APIError(.internalServerError, "internal error: the meta file was not written")
            }
            return JSONResponse.make(meta)
        }
        group.get("jobs/:id/videos/:name/timeline") { _, context in
            let name = try Self.pathParameter("name", of: context)
            let collected = try await collect(try Self.pathParameter("id", of: context), name)
            let file = collected.meta.timeline == nil ? nil : FileHandle(forReadingAtPath: collected.paths.timeline)
            // The open file stays readable when the folder is removed or the kept
            // copy evicted, so the request lets go of them now: the body below may
            // never run (the client gone before the head is written).
            collected.remove()
            guard let file else {
                throw APIError(.notFound, "video \(name) failed and has no timeline; its meta file says why")
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: ResponseBody { writer in
                defer { try? file.close() }
                while let chunk = try file.read(upToCount: 1 << 16), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
        }
    }

    struct RetryAnswer: Encodable {
        let id: String
        let revived: Int
    }

    /// `POST /v1/jobs`: 201 with the new job, 200 when the same job was submitted before.
    func submit(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let body = try await Body.collect(request, limit: limits.jsonBytes)
        let job = try JobRequest.parse(Data(body.readableBytesView))
        var located: [String] = []
        for input in job.inputs { located.append(try root.locate(input)) }
        let expanded = InputExpansion.expand(located)
        for file in expanded.files { try root.check(found: file) }
        guard !expanded.files.isEmpty else { throw APIError(.badRequest, "the inputs hold no files") }
        var settings = job.jobSettings
        // The server's model files are the job's: its workers must read the same (`ModelWeights`).
        do { settings.weights = try ModelWeights(settings: settings.analysis).digests } catch {
            throw APIError(.internalServerError, "the server cannot read its model files: \(error.message)")
        }
        let submitter = JobSubmitter(planner: JobPlanner(settings: settings, maxAttempts: job.maxAttempts))
        let store = self.store, new = job.new
        let files = expanded.files
        var outcome = try await Deadline.run(limits.requestSeconds, "submitting the job") {
            do { return try await submitter.submit(files, to: store, new: new) } catch { throw answer(for: error) }
        }
        outcome.failed = outcome.failed.map(root.redact)
        outcome.warnings = outcome.warnings.map(root.redact)
        return JSONResponse.make(try ReportJSON.encode(outcome), status: outcome.created ? .created : .ok)
    }

    /// The path parameter `key` as the client meant it. Hummingbird hands path
    /// parameters over as they stand in the URL, still percent-encoded, so a
    /// video named `lesson 1` arrives as `lesson%201` (`APIClient.segment`).
    /// - Throws: 400 when the segment is not valid percent-encoding.
    static func pathParameter(_ key: String, of context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require(key)
        guard let text = raw.removingPercentEncoding else {
            throw APIError(.badRequest, "the \(key) in the path, \(raw), is not valid percent-encoding")
        }
        return text
    }

    /// A video's files, collected as `mien collect` writes them, in a folder of their own.
    struct Collected: Sendable {
        let folder: String
        let paths: (timeline: String, meta: String)
        let meta: TimelineMeta
        /// Kept for later requests (`CollectedVideos`), not removed after this one.
        var kept = false
        /// For a kept one: tells `CollectedVideos` this request is done with its files.
        var release: (@Sendable () -> Void)?

        /// This request is done with the files: a scratch folder is removed, a kept one released.
        func remove() {
            if kept { release?() } else { try? FileManager.default.removeItem(atPath: folder) }
        }
    }

    /// Collects the video named `name` of `job`: a finished one (done, or
    /// partial) once per count of done and dead shards, kept
    /// (`CollectedVideos`); a failed one (a meta file only) or an unfinished
    /// one of a cancelled job (the shards done before the cancel, or a meta
    /// file only) into a new scratch folder each time, since `retry` or a
    /// shard still running can change it.
    /// - Throws: 404 for an unknown job or name, 409 while the video still
    ///   runs, 503 while a long collection goes on past the request's limit.
    func collect(_ job: String, _ name: String) async throws -> Collected {
        let progress: JobProgress
        do { progress = try await store.status(of: job) } catch { throw answer(for: error) }
        guard let video = progress.videos.first(where: { $0.name == name }) else {
            throw APIError(.notFound, "job \(job) has no video named \(name)")
        }
        if video.state == .running && !progress.cancelled {
            throw APIError(.conflict, "video \(name) is still running; its files can be fetched once its shards are done")
        }
        if video.state == .done || video.state == .partial {
            let store = self.store, generator = self.generator, id = video.id, cache = collected
            let key = CollectedVideos.Key(job: job, video: id, done: video.done, dead: video.dead)
            let (collection, pin) = await collected.collection(of: key) { folder in
                let writer = TimelineWriter(outputDirectory: folder, generator: generator)
                let report = try await JobCollector(store: store, writer: writer).collect(job, only: [id])
                guard let meta = report.written.first else { throw APIError(.conflict, "video \(name) is still running") }
                return Collected(folder: folder, paths: writer.paths(name: name), meta: meta, kept: true)
            }
            do {
                var kept = try await Deadline.run(limits.requestSeconds, "collecting video \(name)",
                                                  afterwards: APIClient.collectionGoesOn) {
                    try await collection.value
                }
                kept.release = { Task { await cache.release(key, pin: pin) } }
                return kept
            } catch {
                await cache.release(key, pin: pin)
                throw answer(for: error)
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-serve-collect-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let writer = TimelineWriter(outputDirectory: folder, generator: generator)
        let written = await Self.collectVideo(video.id, of: job, from: store, with: writer, limit: limits.requestSeconds)
        switch written {
        case .success(let meta?):
            return Collected(folder: folder, paths: writer.paths(name: name), meta: meta)
        case .success(nil):
            try? FileManager.default.removeItem(atPath: folder)
            throw APIError(.conflict, "video \(name) is still running")
        case .failure(let error):
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// `JobCollector` on one video, within `limit` seconds: its meta record,
    /// or nil when it is still running.
    static func collectVideo(_ video: VideoID, of job: String, from store: any JobStore, with writer: TimelineWriter,
                             limit: Double) async -> Result<TimelineMeta?, any Error> {
        do {
            let report = try await Deadline.run(limit, "collecting the video") {
                try await JobCollector(store: store, writer: writer).collect(job, only: [video])
            }
            return .success(report.written.first)
        } catch {
            return .failure(answer(for: error))
        }
    }
}

/// Runs a store call, turning its errors into answers: 404 for an unknown
/// job or video (not the store's message, which names the store), 503 when the store
/// is unreachable or silent, 500 otherwise (the details go to the log).
func storeCall<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch { throw answer(for: error) }
}

/// The answer for a store's error (see `storeCall`); other errors as they are.
func answer(for error: any Error) -> any Error {
    guard let error = error as? JobStoreError else { return error }
    switch error.code {
    case .unknownJob: return APIError(.notFound, "no such job")
    case .unknownVideo: return APIError(.notFound, "no such video")
    case .unavailable, .timedOut: return APIError(.serviceUnavailable, "the job store is unavailable; try again later")
    default: return error
    }
}

/// Reading request bodies with a size limit.
enum Body {
    /// The whole body, refused with 413 past `limit` bytes (before reading
    /// when Content-Length says so).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "the body is \(length) bytes; the limit is \(limit)")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the body is over the limit of \(limit) bytes")
        }
    }
}
