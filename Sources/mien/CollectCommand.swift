import ArgumentParser
import Foundation
import MienJobs
import MienPipeline
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

        @Option(name: .long, help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
        var out: String

        @Argument(help: "Job id.")
        var job: String

        func run() async throws {
            try await storeOptions.using { store in
                do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                    throw Fatal("\(out): cannot create the output folder: \(error.localizedDescription)")
                }
                let collector = JobCollector(store: store, writer: TimelineWriter(outputDirectory: out, generator: "mien \(Mien.configuration.version)"))
                let report: JobCollector.Report
                do { report = try await collector.collect(job) } catch let error as JobStoreError { throw Fatal(error.message) }
                var summary = AnalyzeSummary(threads: 0)
                for meta in report.written { summary.add(meta) }
                Mien.warn(summary.table(outputDirectory: out))
                for input in report.running { Mien.warn("  still running: \(input)") }
                if !report.running.isEmpty { throw ExitCode(3) }
                if summary.problemCount > 0 { throw ExitCode(2) }
            }
        }
    }

    /// `mien retry`: give dead shards another chance.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a job's dead shards pending again, with a fresh attempt budget.")

        @OptionGroup var storeOptions: StoreOptions

        @Argument(help: "Job id.")
        var job: String

        func run() async throws {
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

        @Argument(help: "Job id.")
        var job: String

        func run() async throws {
            try await storeOptions.using { store in
                do { try await store.cancel(job) } catch let error as JobStoreError { throw Fatal(error.message) }
                Mien.warn("job \(job) cancelled")
            }
        }
    }
}
