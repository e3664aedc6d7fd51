import ArgumentParser
import Foundation
import MienJobs
import MienPipeline
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
                sizes and modification times) with the same settings again gives the same job: \
                nothing is added, and its id is printed (--new makes a new job anyway). An input \
                that cannot be probed is stored as failed, with its error.
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var analysis: AnalysisOptions
        @OptionGroup var sharding: ShardingOptions
        @OptionGroup var input: InputOptions

        @Flag(help: "Make a new job even when the same one was submitted before.")
        var new = false

        @Argument(help: "Video or image files, folders of them, or http(s) URLs.")
        var inputs: [String]

        func run() async throws {
            let job = try JobSettings(analysis: analysis.settings(), allowNetwork: input.allowNetwork,
                                      allowPlaylists: input.allowPlaylists, shardSeconds: sharding.shardSeconds,
                                      warmUp: sharding.warmUp)
            let expanded = InputExpansion.expand(inputs)
            for folder in expanded.emptyFolders { Mien.warn("warning: \(folder): folder holds no files") }
            guard !expanded.files.isEmpty else { throw Fatal("no input files") }
            try await storeOptions.using { store in
                let names = OutputNaming.names(for: expanded.files, outputDirectory: nil)
                let submission = try JobPlanner(settings: job, maxAttempts: sharding.maxAttempts)
                    .submission(inputs: expanded.files, names: names, nonce: new ? UUID().uuidString : nil)
                let (id, created) = try await store.submit(submission)
                let shards = submission.videos.reduce(0) { $0 + $1.shards.count }
                let failed = submission.videos.filter { $0.failure != nil }
                for video in failed { Mien.warn("failed: \(video.failure ?? video.input)") }
                Mien.warn(created
                    ? "submitted job \(id): \(submission.videos.count) inputs, \(shards) shards\(failed.isEmpty ? "" : ", \(failed.count) inputs failed")"
                    : "job \(id) was already submitted with these inputs and settings; nothing added")
                print(id)
            }
        }
    }
}

/// How jobs are split and retried, shared by `submit` and `analyze`.
struct ShardingOptions: ParsableArguments {
    @Option(help: "Target shard length in seconds; shards start at keyframes (a short video is one shard).")
    var shardSeconds: Double = ShardPlanner().shardSeconds

    @Option(help: "Seconds before each shard decoded and tracked (not recorded), so track ids carry across edges.")
    var warmUp: Double = ShardPlanner().warmUp

    @Option(help: "Attempts a shard gets before it is dead and its video failed.")
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
