import Foundation
import MienJobs
import MienPipeline

/// `mien submit`'s work once the inputs are files: name the outputs, probe
/// and plan (`JobPlanner`), store the job. `mien submit --store` and
/// `POST /v1/jobs` both go through here, so the same files and settings give
/// the same job either way.
public struct JobSubmitter: Sendable {
    /// The planner (settings and attempt budget).
    public let planner: JobPlanner

    /// Creates a submitter.
    public init(planner: JobPlanner) {
        self.planner = planner
    }

    /// What a submission did.
    public struct Outcome: Codable, Sendable, Equatable {
        /// The job's id.
        public var id: JobID
        /// Whether the job was created now (false: it had been submitted before).
        public var created: Bool
        /// Inputs in the job.
        public var inputs: Int
        /// Shards in the job.
        public var shards: Int
        /// The inputs that could not be probed, with why.
        public var failed: [String]
        /// Whether the job had been submitted before and cancelled: workers
        /// take none of its shards, so nothing will run (`--new` makes a new job).
        public var cancelled: Bool
        /// What planning said about inputs analysed, but not as usual (`JobPlanner.warnings`:
        /// timestamps that start again, several video streams), one line each.
        public var warnings: [String]

        /// Creates an outcome.
        public init(id: JobID, created: Bool, inputs: Int, shards: Int, failed: [String], cancelled: Bool = false,
                    warnings: [String] = []) {
            self.id = id
            self.created = created
            self.inputs = inputs
            self.shards = shards
            self.failed = failed
            self.cancelled = cancelled
            self.warnings = warnings
        }

        /// Decodes an outcome; one from a server older than `cancelled` is not cancelled and has no warnings.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(id: try c.decode(JobID.self, forKey: .id), created: try c.decode(Bool.self, forKey: .created),
                      inputs: try c.decode(Int.self, forKey: .inputs), shards: try c.decode(Int.self, forKey: .shards),
                      failed: try c.decode([String].self, forKey: .failed),
                      cancelled: try c.decodeIfPresent(Bool.self, forKey: .cancelled) ?? false,
                      warnings: try c.decodeIfPresent([String].self, forKey: .warnings) ?? [])
        }

        /// The line `mien submit` writes to stderr after the failures.
        public var summaryLine: String {
            created
                ? "submitted job \(id): \(inputs) inputs, \(shards) shards\(failed.isEmpty ? "" : ", \(failed.count) inputs failed")"
                : cancelled
                ? "job \(id) was submitted with these inputs and settings before, and cancelled: nothing added, nothing will run "
                    + "(--new makes a new job of them)"
                : "job \(id) was already submitted with these inputs and settings; nothing added"
        }
    }

    /// Plans `files` (files, not folders; as the workers will open them) and stores the job.
    /// - Parameter new: make a new job even when the same one was submitted before.
    /// - Parameter warn: told of inputs analysed, but not as usual (`JobPlanner.submission`),
    ///   as it is found; the outcome's `warnings` has the same lines.
    public func submit(_ files: [String], to store: any JobStore, new: Bool = false,
                       warn: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Outcome {
        let names = OutputNaming.names(for: files, outputDirectory: nil)
        let planner = self.planner, nonce = new ? UUID().uuidString : nil
        // Probing blocks (FFmpeg reads the files): a dispatch thread, not the concurrency pool.
        let (submission, warnings) = try await WorkerService.runBlocking {
            var lines: [String] = []
            let submission = try planner.submission(inputs: files, names: names, nonce: nonce, warn: { line in
                lines.append(line)
                warn(line)
            })
            return (submission, lines)
        }.get()
        // A caller that gave up while the files were probed (the server's
        // request deadline) was told the job failed: store nothing then.
        try Task.checkCancellation()
        let (id, created) = try await store.submit(submission)
        let cancelled = created ? false : try await store.status(of: id).cancelled
        return Outcome(id: id, created: created, inputs: submission.videos.count,
                       shards: submission.videos.reduce(0) { $0 + $1.shards.count },
                       failed: submission.videos.compactMap(\.failure), cancelled: cancelled,
                       warnings: warnings)
    }
}
