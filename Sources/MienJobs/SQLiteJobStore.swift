import Foundation
import GRDB

/// The embedded job store: one SQLite file (GRDB `DatabasePool`, WAL), safe
/// for several worker processes on one machine.
///
/// Every change runs in one `BEGIN IMMEDIATE` transaction: it takes SQLite's
/// single write lock at the start, so a claim's read and write cannot be
/// interleaved with another process's claim, and a waiting writer sleeps in
/// the busy handler (up to 10 s) instead of failing. Readers (`status`,
/// `results`) see a snapshot and never wait for writers (WAL).
///
/// Clock: `Date()` of the process calling; workers of one SQLite store share
/// a machine, so they share the clock. Times are stored as seconds since 1970.
///
/// Claim, fencing and retries follow `JobStore`; the SQL is in
/// `SQLiteJobStore+Worker.swift` and `SQLiteJobStore+Coordinator.swift`.
public final class SQLiteJobStore: JobStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the SQLite file at `path`. Call `migrate()`
    /// before use (`StoreLocation.open()` does).
    /// - Throws: `JobStoreError.unavailable` when the file cannot be opened.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "mien-jobs"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw JobStoreError(.unavailable, "cannot open job store sqlite:\(path): \(error)")
        }
    }

    /// Closes the pool's connections.
    public func close() async {
        try? pool.close()
    }

    /// Applies the missing migrations in one immediate transaction, so
    /// processes starting together apply each exactly once.
    /// - Throws: `JobStoreError.schemaTooNew`, or `.queryFailed`.
    public func migrate() async throws {
        let name = "sqlite:\(path)"
        try await transaction { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied REAL NOT NULL)
                """)
            let found = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0
            guard found <= StoreSchema.version else { throw StoreSchema.tooNew(name, found: found) }
            for version in stride(from: found + 1, through: StoreSchema.version, by: 1) {
                for statement in StoreSchema.sqlite[version - 1] { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)",
                               arguments: [version, Date().timeIntervalSince1970])
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, committed when it returns.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mapErrors {
            try await pool.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try body(db)
                    return .commit
                }
                return value!
            }
        }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mapErrors { try await pool.read(body) }
    }

    /// Passes `JobStoreError`s on and turns SQLite's into `.queryFailed`, naming the file.
    private func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw JobStoreError(.queryFailed, "job store sqlite:\(path): \(error)")
        }
    }

    /// The store's clock, in the stored unit (seconds since 1970).
    static func now() -> Double { Date().timeIntervalSince1970 }
}

extension SQLiteJobStore {
    /// Records `version` as applied, as a newer program would (tests of `schemaTooNew`).
    func recordSchemaVersion(_ version: Int) async throws {
        try await transaction { db in
            try db.execute(sql: "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)",
                           arguments: [version, Self.now()])
        }
    }
}
