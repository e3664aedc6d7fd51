import Foundation
@testable import MienJobs

/// The stores the conformance suite runs against. Each test gets a fresh
/// database: a new SQLite file, or a new database on this test process's
/// PostgreSQL server (started once, stopped at exit).
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    var description: String { rawValue }

    /// A fresh, empty store location of this kind.
    func freshLocation() throws -> StoreLocation {
        let name = "t\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        switch self {
        case .sqlite:
            return .sqlite(path: try TestSQLiteFolder.path() + "/\(name).sqlite")
        case .postgres:
            return .postgres(try TemporaryPostgresServer.shared().createDatabase(name))
        }
    }

    /// A fresh store, migrated.
    func open() async throws -> any JobStore {
        try await freshLocation().open(callTimeout: Self.callTimeout)
    }

    /// The bound on a PostgreSQL call in tests that are not about it (see
    /// `SilentStoreTests` for those): generous, because in a full run the
    /// suites that block the runner's few threads (running processes,
    /// models) can leave an async test's statements seconds apart for minutes,
    /// and a migration of a fresh database is some twenty statements.
    static let callTimeout = 600.0
}

/// This test process's folder of SQLite stores, deleted at exit.
enum TestSQLiteFolder {
    private static let made: Result<String, JobStoreError> = {
        let folder = NSTemporaryDirectory() + "mien-jobs-tests-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return .failure(JobStoreError(.unavailable, "cannot make \(folder): \(error)"))
        }
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "mien-jobs-tests-\(getpid())") }
        return .success(folder)
    }()

    /// The folder.
    static func path() throws -> String { try made.get() }
}

/// A submission of `videos` videos with `shards` shards each, payloads `v<i>s<j>`.
func submission(key: String = UUID().uuidString, videos: Int = 1, shards: Int = 1, maxAttempts: Int = 3)
    -> JobSubmission {
    JobSubmission(
        key: key, settings: Data("{\"k\":\"\(key)\"}".utf8), maxAttempts: maxAttempts,
        videos: (0..<videos).map { v in
            VideoSubmission(input: "/in/\(v).mp4", name: "video\(v)", info: Data("{\"v\":\(v)}".utf8),
                            shards: (0..<shards).map { Data("v\(v)s\($0)".utf8) })
        })
}

/// Sleeps `seconds`.
func pause(_ seconds: Double) async throws {
    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
}
