import ArgumentParser
import Foundation
import MienJobs
import MienPipeline
import MienServer
import MienService

extension Mien {
    /// `mien collect`: write a stored job's timelines.
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the timeline and meta files of a job's finished videos.",
            discussion: """
                For every video whose shards are all done: shards in order, track ids stitched \
                across shard edges, smoothing, then NAME.timeline.jsonl and NAME.meta.json written \
                atomically into DIR. A failed video gets its meta file with the error. Videos still \
                running are listed and can be collected later (collecting again rewrites the same \
                files). Exit code: 3 while some videos are still running (collect again later); \
                otherwise 0 when every video is complete, 2 when some failed or are partial.
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var serverOptions: ServerOptions

        @Option(name: .long, help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
        var out: String

        @Argument(help: "Job id.")
        var job: String

        func validate() throws { try serverOptions.validate(against: storeOptions) }

        func run() async throws {
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw Fatal("\(out): cannot create the output folder: \(error.localizedDescription)")
            }
            AtomicFileWriter.removeAbandoned(in: out)
            let writer = TimelineWriter(outputDirectory: out, generator: "mien \(Mien.configuration.version)")
            let report: JobCollector.Report
            if let client = try serverOptions.client() {
                report = try await serverCall { try await Self.fetch(job, with: client, into: writer) }
            } else {
                report = try await storeOptions.using { store in
                    do { return try await JobCollector(store: store, writer: writer).collect(job) } catch let error as JobStoreError {
                        throw Fatal(error.message)
                    }
                }
            }
            var summary = AnalyzeSummary(threads: 0)
            for meta in report.written { summary.add(meta) }
            Mien.warn(summary.table(outputDirectory: out))
            for input in report.running { Mien.warn("  still running: \(input)") }
            if !report.running.isEmpty { throw ExitCode(3) }
            if summary.problemCount > 0 { throw ExitCode(2) }
        }

        /// Seconds `collect --server` waits for the server to collect one video
        /// (a 3-hour recording of 40 faces takes about 210 s).
        static let collectionWaitSeconds = 3600.0

        /// `call`, asked again every 2 s while the server answers that it is
        /// still collecting the video (past its request limit), for at most
        /// `collectionWaitSeconds`.
        static func waitingForCollection<T>(_ name: String, _ call: () async throws -> T) async throws -> T {
            let deadline = Date().addingTimeInterval(collectionWaitSeconds)
            var said = false
            while true {
                do { return try await call() } catch let error as APIClientError
                    where error.status == 503 && error.description.hasSuffix(APIClient.collectionGoesOn) && Date() < deadline {
                    if !said { Mien.warn("\(name): the server is still collecting it; waiting") }
                    said = true
                    try await Task.sleep(for: .seconds(2))
                }
            }
        }

        /// `collect` over the API: each finished video's meta file and timeline,
        /// byte for byte what the server's collector wrote, into the writer's folder.
        static func fetch(_ job: String, with client: APIClient, into writer: TimelineWriter) async throws -> JobCollector.Report {
            let status = try ReportJSON.decode(StatusReport.self, from: try await client.get("/v1/jobs/" + APIClient.segment(job)).body)
            var report = JobCollector.Report()
            for video in status.videos {
                let base = "/v1/jobs/\(APIClient.segment(job))/videos/\(APIClient.segment(video.name))"
                let metaBytes: Data
                do {
                    guard video.state != "running" || status.cancelled else { throw APIClientError("running", status: 409) }
                    metaBytes = try await waitingForCollection(video.name) { try await client.get(base + "/meta").body }
                } catch let error as APIClientError where error.status == 409 {
                    report.running.append(video.input)
                    continue
                }
                let meta: TimelineMeta
                do { meta = try JSONDecoder().decode(TimelineMeta.self, from: metaBytes) } catch {
                    throw Fatal("\(video.name): the server's meta file cannot be read: \(error)")
                }
                let paths = writer.paths(name: video.name)
                if meta.timeline != nil { try await client.download(base + "/timeline", to: paths.timeline) }
                try AtomicFile.write(metaBytes, to: paths.meta)
                report.written.append(meta)
            }
            return report
        }
    }

    /// `mien retry`: give dead shards another chance.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a job's dead shards pending again, with a fresh attempt budget.")

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var serverOptions: ServerOptions

        @Argument(help: "Job id.")
        var job: String

        func validate() throws { try serverOptions.validate(against: storeOptions) }

        func run() async throws {
            if let client = try serverOptions.client() {
                let answer = try await serverCall { try await client.post("/v1/jobs/\(APIClient.segment(job))/retry", json: nil) }
                let revived = (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["revived"] as? Int ?? 0
                Mien.warn("job \(job): \(revived) dead shard\(revived == 1 ? "" : "s") pending again")
                return
            }
            try await storeOptions.using { store in
                do {
                    let revived = try await store.retryDead(in: job)
                    Mien.warn("job \(job): \(revived) dead shard\(revived == 1 ? "" : "s") pending again")
                } catch let error as JobStoreError { throw Fatal(error.message) }
            }
        }
    }

    /// `mien cancel`: stop handing out a job's shards.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a job: its shards are no longer handed to workers (running ones finish).")

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var serverOptions: ServerOptions

        @Argument(help: "Job id.")
        var job: String

        func validate() throws { try serverOptions.validate(against: storeOptions) }

        func run() async throws {
            if let client = try serverOptions.client() {
                _ = try await serverCall { try await client.post("/v1/jobs/\(APIClient.segment(job))/cancel", json: nil) }
                Mien.warn("job \(job) cancelled")
                return
            }
            try await storeOptions.using { store in
                do { try await store.cancel(job) } catch let error as JobStoreError { throw Fatal(error.message) }
                Mien.warn("job \(job) cancelled")
            }
        }
    }
}
