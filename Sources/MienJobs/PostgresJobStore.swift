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
///
/// A silent server or network (packets dropped, no reset) would make a call
/// wait for ever: postgres-nio has no query timeout, and its connections'
/// sockets cannot be given TCP keepalive or a user timeout. So every call
/// (one statement or one transaction, connection included) is bounded by
/// `callTimeout`: past it the call throws `JobStoreError.timedOut`, naming
/// the store, the call and the bound, and its connection is closed (the pool
/// makes a new one when the network answers again). The server is given
/// the same bound as `statement_timeout` and `idle_in_transaction_session_timeout`,
/// so it too gives up on a statement or a transaction its client abandoned.
public final class PostgresJobStore: JobStore {
    /// Where the database is (its description never shows the password).
    public let location: PostgresLocation
    /// The longest a call waits for the server, seconds (see the type's notes).
    public let callTimeout: Double
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// The default `callTimeout`, seconds: far above what any call takes on a
    /// working network (milliseconds), well below a worker's default lease.
    public static let defaultCallTimeout = 30.0

    /// The advisory lock key that serialises migrations ("Mien" in ASCII).
    static let migrationLock: Int64 = 0x4D69_656E

    /// Creates a store and starts its connection pool; connections are made
    /// on first use. Call `migrate()` before use (`StoreLocation.open()` does).
    /// - Parameter callTimeout: the longest any call waits for the server, seconds (at least 0.1).
    public init(_ location: PostgresLocation, maximumConnections: Int = 8, callTimeout: Double = defaultCallTimeout) {
        self.location = location
        self.callTimeout = max(0.1, callTimeout)
        let tls: PostgresClient.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .milliseconds(Int(min(10, self.callTimeout) * 1000))
        let serverBound = String(Int((self.callTimeout * 1000).rounded(.up)))
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", serverBound), ("idle_in_transaction_session_timeout", serverBound),
        ]
        let client = PostgresClient(configuration: configuration)
        self.client = client
        var logger = Logger(label: "mien.jobs.postgres")
        logger.logLevel = .critical
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Stops the connection pool (closing its connections) and waits for it
    /// to finish, at most a few seconds.
    public func close() async {
        running.cancel()
        let running = self.running
        _ = try? await CallDeadline.run(seconds: 5, timeout: { CancellationError() }) { await running.value }
    }

    /// Applies the missing migrations in one transaction under an advisory lock.
    /// - Throws: `JobStoreError.schemaTooNew`, `.timedOut`, `.unavailable`, or `.queryFailed`.
    public func migrate() async throws {
        let name = location.description
        try await transaction("migrate") { connection, logger in
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
    /// rolling back when it throws (and passing its error on unchanged); the
    /// whole of it bounded by `callTimeout` (`call` names it in the error).
    func transaction<T: Sendable>(
        _ call: String, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try await bounded(call) { connection, logger in
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

    /// Runs one statement and returns its rows, bounded by `callTimeout`
    /// (`call` names it in the error).
    @discardableResult
    func rows(_ call: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        try await bounded(call) { connection, logger in try await connection.query(query, logger: logger).collect() }
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
        try await rows("record the schema version", "INSERT INTO schema_migrations (version) VALUES (\(version))")
    }
}
