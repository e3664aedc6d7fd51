import Foundation
import PostgresNIO

/// The cluster job store: a PostgreSQL database reached with postgres-nio's
/// `PostgresClient`, whose connection pool runs in a task this store owns
/// (started by `init`, ended by `close()`).
///
/// Claiming is one statement: `SELECT ... ORDER BY id LIMIT 1 FOR UPDATE OF s
/// SKIP LOCKED` in a CTE that also leases the row and opens its history, so
/// concurrent workers each take a different shard without waiting on each
/// other. Fenced calls are single statements too (an `UPDATE ... WHERE
/// fence RETURNING` CTE with the result and history writes hanging off it),
/// so each is atomic without a client-side transaction.
///
/// Clock: the server's. `now()` (the statement's transaction start) stamps
/// leases, expiries, backoffs and completions, so workers on other machines
/// need no synchronised clocks.
///
/// Migrations run in a transaction holding an advisory lock, so workers
/// starting together apply each one once.
public final class PostgresJobStore: JobStore {
    /// Where the database is (its description never shows the password).
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// The advisory lock key that serialises migrations ("Mien" in ASCII).
    static let migrationLock: Int64 = 0x4D69_656E

    /// Creates a store and starts its connection pool; connections are made
    /// on first use. Call `migrate()` before use (`StoreLocation.open()` does).
    public init(_ location: PostgresLocation, maximumConnections: Int = 8) {
        self.location = location
        let tls: PostgresClient.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration)
        self.client = client
        var logger = Logger(label: "mien.jobs.postgres")
        logger.logLevel = .critical
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Stops the connection pool and waits for it to finish.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// Applies the missing migrations in one transaction under an advisory lock.
    /// - Throws: `JobStoreError.schemaTooNew`, `.unavailable`, or `.queryFailed`.
    public func migrate() async throws {
        let name = location.description
        try await transaction { connection, logger in
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.run("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var found = 0
            for try await value in try await connection.query(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger).decode(Int.self) {
                found = value
            }
            guard found <= StoreSchema.version else { throw StoreSchema.tooNew(name, found: found) }
            for version in stride(from: found + 1, through: StoreSchema.version, by: 1) {
                for statement in StoreSchema.postgres[version - 1] {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.run("INSERT INTO schema_migrations (version) VALUES (\(version))", logger: logger)
            }
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT` on one pooled connection,
    /// rolling back when it throws (and passing its error on unchanged).
    func transaction<T: Sendable>(
        _ body: (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try await mapErrors {
            try await client.withConnection { connection in
                try await connection.run("BEGIN", logger: logger)
                do {
                    let value = try await body(connection, logger)
                    try await connection.run("COMMIT", logger: logger)
                    return value
                } catch {
                    try? await connection.run("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await mapErrors { try await client.query(query, logger: logger).collect() }
    }

    /// Passes `JobStoreError`s on and turns postgres-nio's into `.unavailable`
    /// (no server answer) or `.queryFailed` (the server's message), naming the store.
    func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as JobStoreError {
            throw error
        } catch let error as PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                throw JobStoreError(.queryFailed, "job store \(location): \(message)\(state)")
            }
            throw JobStoreError(.unavailable, "job store \(location): cannot reach the server (\(error.code))"
                                + (error.underlying.map { ": \($0)" } ?? ""))
        } catch {
            // postgres-nio's pool gives up with this after about a minute of failed connection attempts.
            let why = "\(error)".contains("connectionCreationCircuitBreakerTripped")
                ? "cannot connect to the server (gave up after repeated attempts)" : "\(error)"
            throw JobStoreError(.unavailable, "job store \(location): \(why)")
        }
    }
}

extension PostgresConnection {
    /// Runs a statement whose rows (if any) are not needed.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresJobStore {
    /// Records `version` as applied, as a newer program would (tests of `schemaTooNew`).
    func recordSchemaVersion(_ version: Int) async throws {
        try await rows("INSERT INTO schema_migrations (version) VALUES (\(version))")
    }
}
