import ArgumentParser
import Dispatch
import Foundation
import MienFace
import MienJobs
import MienPipeline
import MienService

extension Mien {
    /// `mien analyze`: emotion timelines for videos and images, on this machine.
    struct Analyze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a per-timestamp emotion timeline (JSON Lines) and a meta file for each video or image.",
            discussion: """
                INPUT is a video or image file, or a folder (every file under it, hidden ones and \
                Mien's own output files left out). For each input NAME.EXT, DIR gets \
                NAME.timeline.jsonl (one JSON object per sampled timestamp: faces with track ids, \
                boxes, landmarks and emotion probabilities) and NAME.meta.json (probe figures, \
                models, settings, counts, timings, status and error). Same-named inputs get \
                NAME-HASH. Files are replaced atomically.

                The work runs as a job in an embedded store, DIR/.mien/jobs.sqlite: inputs are split \
                into shards (--shard-seconds), local worker processes analyse them (--workers, \
                default one per core), and the results are collected into the files. Interrupted \
                (Ctrl-C, a crash, a kill) and run again with the same inputs, settings and model \
                files, it resumes without redoing finished shards; shards given up after \
                --max-attempts in the earlier run are tried again. Other model weights (Mien \
                upgraded, MIEN_MODELS changed) make a new job that analyses everything again.

                Ctrl-C or SIGTERM stops the workers within seconds: each hands its unfinished shard \
                back, and the command exits 130; a second Ctrl-C kills them at once. Workers never \
                outlive the command, even when it is killed.

                Settings come from --job FILE (see Jobs/), then the options given here. Every input is \
                analysed even when some fail. Exit code: 0 when every input is complete, 2 when some \
                failed or are partial (see their meta files and the summary), 1 when nothing could \
                start (bad options, job file, models or output folder), 130 when interrupted.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
        var out: String

        @OptionGroup var analysis: AnalysisOptions
        @OptionGroup var sharding: ShardingOptions

        @Option(help: "Worker processes (default: one per core, fewer when there are fewer shards).")
        var workers: Int?

        @Option(help: "Threads per worker for the per-frame work (default: cores / workers).")
        var threads: Int?

        @Flag(help: "Print the summary as one JSON object on stdout.")
        var json = false

        @OptionGroup var input: InputOptions

        @Argument(help: "Video or image files, or folders of them.")
        var inputs: [String]

        func validate() throws {
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1.") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        }

        func run() async throws {
            let clock = DispatchTime.now().uptimeNanoseconds
            let stop = StopSignal()
            let settings = try analysis.settings()
            let expanded = InputExpansion.expand(inputs)
            for folder in expanded.emptyFolders { Mien.warn("warning: \(folder): folder holds no files") }
            guard !expanded.files.isEmpty else { throw Fatal("no input files (folders given: \(expanded.emptyFolders.joined(separator: ", ")))") }
            let storeFolder = out + "/.mien"
            do { try FileManager.default.createDirectory(atPath: storeFolder, withIntermediateDirectories: true) } catch {
                throw Fatal("\(out): cannot create the output folder: \(error.localizedDescription)")
            }
            AtomicFileWriter.removeAbandoned(in: out)   // what a killed run was writing
            // Load the models once here, so a missing or broken model stops the run before any work;
            // the job records their files' digests, so other weights are another job, not one to resume.
            let weights: ModelWeights
            do {
                _ = try AnalysisModels(settings: settings)
                weights = try ModelWeights(settings: settings)
            } catch { throw Fatal(error.message) }

            let storeURL = "sqlite:" + InputSummary.absolute(storeFolder + "/jobs.sqlite")
            let store = try await StoreOptions.open(storeURL)
            let job = JobSettings(analysis: settings, allowNetwork: input.allowNetwork, allowPlaylists: input.allowPlaylists,
                                  shardSeconds: sharding.shardSeconds, warmUp: sharding.warmUp, videoStream: input.videoStream,
                                  weights: weights.digests)
            let names = OutputNaming.names(for: expanded.files, outputDirectory: out)
            let submission: JobSubmission
            do {
                submission = try JobPlanner(settings: job, maxAttempts: sharding.maxAttempts)
                    .submission(inputs: expanded.files, names: names, shouldStop: { stop.requested }, warn: Mien.warn)
            } catch is CancellationError {
                Mien.warn("interrupted while probing the inputs: nothing was analysed")
                throw ExitCode(130)
            }
            let (id, created) = try await store.submit(submission)
            if !created { Mien.warn("resuming job \(id) in \(storeURL.dropFirst("sqlite:".count))") }

            var progress = try await store.status(of: id)
            // Run again after a failure (a worker killed for memory, a full disk), the shards
            // given up then get a fresh attempt budget: a rerun would otherwise only rewrite the same partial files.
            if !created && !progress.cancelled {
                let revived = try await store.retryDead(in: id)
                if revived > 0 {
                    Mien.warn("trying again \(revived) shard\(revived == 1 ? "" : "s") given up in an earlier run")
                    progress = try await store.status(of: id)
                }
            }
            let remaining = Self.remainingShards(progress)
            if remaining > 0, progress.cancelled {
                throw Fatal("job \(id) in \(storeURL.dropFirst("sqlite:".count)) has these inputs and settings and was cancelled "
                            + "(mien cancel) before it finished, so no worker takes its shards; delete that file to analyse them again")
            }
            let total = submission.videos.reduce(0) { $0 + $1.shards.count }
            if !created { Mien.warn("\(total - remaining) of \(total) shards were done by an earlier run") }
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let processes = max(1, min(workers ?? cores, remaining))
            let perWorker = threads ?? max(1, cores / processes)
            let pool = WorkerPool(store: storeURL, job: id, count: remaining > 0 ? processes : 0, threads: perWorker)
            // Ctrl-C reaches only this process (the workers have process groups of their own): pass it on.
            stop.onFirstStop { pool.stop() }
            stop.onForcedStop { _ in pool.kill() }
            defer {
                // Never leave a worker behind, whatever ends the run.
                pool.stop()
                pool.waitForExit(deadline: Date().addingTimeInterval(WorkerPool.stopGraceSeconds))
            }
            let display = ProgressDisplay.onTerminal()
            defer { display?.clear() }
            while true {
                let progress = try await store.status(of: id)
                display?.job(progress)
                let running = progress.videos.contains { $0.state == .running }
                if !running || stop.requested { break }
                try pool.keepAlive()
                try await Task.sleep(for: .milliseconds(300))
            }
            display?.clear()
            if stop.requested {
                let stopping = pool.running()
                if stopping > 0 {
                    Mien.warn("stopping: \(stopping) worker\(stopping == 1 ? " is" : "s are") handing unfinished shards back (Ctrl-C again to stop at once)")
                }
                if pool.waitForExit(deadline: Date().addingTimeInterval(WorkerPool.stopGraceSeconds)) {
                    Mien.warn("workers still running \(Int(WorkerPool.stopGraceSeconds)) s after the stop were killed; their shards are redone on resume")
                }
                Mien.warn("interrupted: finished shards are kept in \(storeURL.dropFirst("sqlite:".count)); run the same command again to resume")
                throw ExitCode(130)
            }
            pool.waitForExit()

            let writer = TimelineWriter(outputDirectory: out, generator: "mien \(Mien.configuration.version)")
            let report = try await JobCollector(store: store, writer: writer).collect(id, shouldStop: { stop.requested })
            if !report.skipped.isEmpty {
                Mien.warn("interrupted while writing the timelines: \(report.written.count) written, \(report.skipped.count) not yet; "
                          + "their analysis is kept in \(storeURL.dropFirst("sqlite:".count)): run the same command again to write them")
                throw ExitCode(130)
            }
            var summary = AnalyzeSummary(threads: processes * perWorker)
            for meta in report.written {
                summary.add(meta)
                if meta.status != .complete, let error = meta.error { Mien.warn("\(meta.status.rawValue): \(error.message)") }
            }
            summary.wallSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            summary.workers = processes
            summary.resumedShards = created ? 0 : total - remaining
            if json { print(summary.jsonLine()) } else { Mien.warn(summary.table(outputDirectory: out)) }
            if summary.problemCount > 0 { throw ExitCode(2) }
        }

        /// Shards of the job not yet done or dead.
        static func remainingShards(_ progress: JobProgress) -> Int {
            progress.videos.reduce(0) { $0 + $1.shards - $1.done - $1.dead }
        }
    }
}

/// An error that stops the whole command before any input is analysed (exit code 1).
struct Fatal: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
