import ArgumentParser
import Foundation
import MienJobs
import MienPipeline
import MienServer
import MienService

extension Mien {
    /// `mien submit`: plan a job into a store for workers to run.
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe inputs, split them into shards and store the job for workers; prints the job id.",
            discussion: """
                INPUT is a file, a folder (every file under it) or, with --allow-network, an http(s) \
                URL. Workers open inputs by absolute path, so on a cluster the inputs must be on a \
                volume mounted at the same place everywhere. Submitting the same inputs (same files, \
                sizes and modification times) with the same settings and model files again gives \
                the same job: nothing is added, and its id is printed (--new makes a new job \
                anyway). An input that cannot be probed is stored as failed, with its error.

                The job records digests of the model files read here (Models/, or MIEN_MODELS; with \
                --server, the server's), and a worker whose files differ (another Mien version) \
                fails its shards with a message saying so rather than mixing two models in one \
                timeline.
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var serverOptions: ServerOptions
        @OptionGroup var analysis: AnalysisOptions
        @OptionGroup var sharding: ShardingOptions
        @OptionGroup var input: InputOptions

        @Flag(help: "Make a new job even when the same one was submitted before.")
        var new = false

        @Argument(help: "Video or image files, folders of them, or http(s) URLs (with --server: paths under the server's input root).")
        var inputs: [String]

        func validate() throws {
            try serverOptions.validate(against: storeOptions)
            if serverOptions.server != nil && (input.allowNetwork || input.allowPlaylists) {
                throw ValidationError("--allow-network and --allow-playlists are not available with --server: its inputs are files under its input root.")
            }
        }

        func run() async throws {
            var job = try JobSettings(analysis: analysis.settings(), allowNetwork: input.allowNetwork,
                                      allowPlaylists: input.allowPlaylists, shardSeconds: sharding.shardSeconds,
                                      warmUp: sharding.warmUp, videoStream: input.videoStream)
            if let client = try serverOptions.client() {
                let body = try Self.requestBody(inputs: inputs, job: job, maxAttempts: sharding.maxAttempts, new: new)
                // The server's planning warnings come back in the answer (said on stderr here, as without --server).
                let answer = try await serverCall { try await client.post("/v1/jobs", json: body) }
                report(try ReportJSON.decode(JobSubmitter.Outcome.self, from: answer.body), serverWarnings: true)
                return
            }
            let expanded = InputExpansion.expand(inputs)
            for folder in expanded.emptyFolders { Mien.warn("warning: \(folder): folder holds no files") }
            guard !expanded.files.isEmpty else { throw Fatal("no input files") }
            do { job.weights = try ModelWeights(settings: job.analysis).digests } catch { throw Fatal(error.message) }
            try await storeOptions.using { store in
                let submitter = JobSubmitter(planner: JobPlanner(settings: job, maxAttempts: sharding.maxAttempts))
                report(try await submitter.submit(expanded.files, to: store, new: new, warn: { Mien.warn($0) }))
            }
        }

        /// Failures and the summary on stderr, the job id on stdout; `serverWarnings`
        /// (from a server's answer) first, since a local submission has said them as found.
        func report(_ outcome: JobSubmitter.Outcome, serverWarnings: Bool = false) {
            if serverWarnings { outcome.warnings.forEach { Mien.warn($0) } }
            for failure in outcome.failed { Mien.warn("failed: \(failure)") }
            Mien.warn(outcome.summaryLine)
            print(outcome.id)
        }

        /// The body of `POST /v1/jobs` for these inputs and settings.
        static func requestBody(inputs: [String], job: JobSettings, maxAttempts: Int, new: Bool) throws -> Data {
            let analysis = try JSONSerialization.jsonObject(with: PayloadCoding.encode(job.analysis))
            var body: [String: Any] = [
                "inputs": inputs,
                "settings": ["analysis": analysis],
                "sharding": ["shard_seconds": job.shardSeconds, "warm_up": job.warmUp, "max_attempts": maxAttempts],
                "new": new,
            ]
            if let stream = job.videoStream { body["video_stream"] = stream }
            return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        }
    }
}

/// How jobs are split and retried, shared by `submit` and `analyze`.
struct ShardingOptions: ParsableArguments {
    @Option(help: "Target shard length in seconds; shards start at keyframes (a short video is one shard).")
    var shardSeconds: Double = ShardPlanner().shardSeconds

    @Option(help: "Seconds before each shard decoded and tracked (not recorded), so track ids carry across edges.")
    var warmUp: Double = ShardPlanner().warmUp

    @Option(help: "Attempts a shard gets before it is dead (its times then marked undecodable in a partial timeline).")
    var maxAttempts = 3

    func validate() throws {
        if !(shardSeconds >= 1 && shardSeconds.isFinite) { throw ValidationError("--shard-seconds must be at least 1.") }
        if !(warmUp >= 0 && warmUp.isFinite) { throw ValidationError("--warm-up must be 0 or more seconds.") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1.") }
    }
}

extension Mien {
    /// Writes a line to stderr.
    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
