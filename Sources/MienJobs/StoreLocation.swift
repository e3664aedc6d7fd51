import Foundation

/// Where a job store lives, as given by `--store` or `MIEN_STORE`:
/// - `sqlite:PATH` (or `sqlite://PATH`): a SQLite file, relative to the
///   current directory or absolute (`sqlite:///abs/path` is `/abs/path`); the
///   embedded default, for one machine.
/// - `postgres://USER@HOST:PORT/DB` (or `postgresql://`): a PostgreSQL
///   server, for clusters. The password comes from the URL
///   (`postgres://USER:PASSWORD@HOST/DB`, percent-encoded) or else from the
///   `PGPASSWORD` environment variable, so it never has to be on a command
///   line. The port defaults to 5432, the user to `postgres`. A query
///   `?sslmode=disable|prefer|require` chooses TLS (default `prefer`).
///
/// `description` never shows the password.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresLocation)

    /// The environment variable that names the store when `--store` is not given.
    public static let environmentVariable = "MIEN_STORE"

    /// The location from `--store` when given, else from `MIEN_STORE`.
    /// - Throws: `JobStoreError.badLocation` when neither is set, or the text cannot be parsed.
    public static func resolve(
        _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> StoreLocation {
        if let option { return try StoreLocation(parsing: option, environment: environment) }
        if let text = environment[environmentVariable], !text.isEmpty {
            return try StoreLocation(parsing: text, environment: environment)
        }
        throw JobStoreError(.badLocation, "no job store given: pass --store sqlite:PATH or postgres://USER@HOST:PORT/DB, "
                            + "or set \(environmentVariable)")
    }

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `postgres://...` or `postgresql://...`.
    /// `environment` supplies `PGPASSWORD` when the URL has no password.
    /// - Throws: `JobStoreError.badLocation`, naming the text without its password.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw JobStoreError(.badLocation, "job store '\(text)': no file path after 'sqlite:'")
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text, environment: environment))
        } else {
            throw JobStoreError(.badLocation, "job store '\(PostgresLocation.redacted(text))': expected sqlite:PATH "
                                + "or postgres://USER@HOST:PORT/DB")
        }
    }

    /// The location as it can be shown: the password is never included.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.description
        }
    }

    /// Opens the store and brings its schema up to date (`migrate()`).
    /// - Parameter callTimeout: for PostgreSQL, the longest any call waits for
    ///   the server, seconds (`PostgresJobStore.callTimeout`); SQLite, a local
    ///   file, does not use it.
    /// - Throws: `JobStoreError.unavailable` when it cannot be opened or reached,
    ///   `.timedOut` when it does not answer within `callTimeout`,
    ///   `.schemaTooNew` when a newer program has upgraded it.
    public func open(callTimeout: Double = PostgresJobStore.defaultCallTimeout) async throws -> any JobStore {
        let store: any JobStore
        switch self {
        case .sqlite(let path): store = try SQLiteJobStore(path: path)
        case .postgres(let location): store = PostgresJobStore(location, callTimeout: callTimeout)
        }
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }
}

/// A PostgreSQL server and database, with the credentials to use it.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How to use TLS (`sslmode` in the URL).
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it (the default).
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user to connect as.
    public var user: String
    /// The password, from the URL or `PGPASSWORD`; nil for none (trust or peer auth).
    public var password: String?
    /// The database name.
    public var database: String
    /// How to use TLS.
    public var tls: TLSMode

    /// Creates a location from its parts.
    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
                tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=MODE]`.
    /// - Throws: `JobStoreError.badLocation`, naming the URL without its password.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let shown = Self.redacted(text)
        func bad(_ why: String) -> JobStoreError { JobStoreError(.badLocation, "job store '\(shown)': \(why)") }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw bad("not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw bad("no host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw bad("expected one database name after the host") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw bad("unknown parameter '\(item.name)' (only sslmode is known)") }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw bad("sslmode must be disable, prefer or require")
            }
            tls = mode
        }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        self.init(host: host, port: components.port ?? 5432,
                  user: components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres",
                  password: password ?? environment["PGPASSWORD"], database: database, tls: tls)
    }

    /// `postgres://USER@HOST:PORT/DB`, without the password.
    public var description: String {
        let query = tls == .prefer ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(user)@\(host):\(port)/\(database)\(query)"
    }

    /// `text` with any password between `//USER:` and `@` replaced by `***`, for messages.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<rest.index(after: colon)]) + "***" + String(rest[at...])
    }
}
