import ArgumentParser
import MienJobs

/// `--store` and `--store-timeout`: where jobs live and how long to wait for
/// them, for every command that uses a job store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Job store: sqlite:PATH (one machine) or postgres://USER@HOST:PORT/DB (password from PGPASSWORD). Default: $MIEN_STORE.",
        valueName: "URL"))
    var store: String?

    @Option(help: ArgumentHelp(
        "Seconds to wait for a PostgreSQL store to answer one call (opening it, a query, a commit) before failing "
            + "with an error, instead of hanging on a silent server or network.",
        valueName: "SECONDS"))
    var storeTimeout = StoreOptions.defaultTimeout

    /// The default `--store-timeout`, seconds: far above what a call takes on a
    /// working network (milliseconds), well below a worker's default 60 s lease.
    static let defaultTimeout = PostgresJobStore.defaultCallTimeout

    func validate() throws {
        if !(storeTimeout > 0) { throw ValidationError("--store-timeout must be a positive number of seconds.") }
    }

    /// Opens the store and brings its schema up to date.
    func open() async throws -> any JobStore {
        try await Self.open(store, timeout: storeTimeout)
    }

    /// Opens the store at `location` (nil: `$MIEN_STORE`) and brings its schema
    /// up to date, every call to it then bounded by `timeout` seconds.
    /// - Throws: `Fatal` with the store's message (never its password): it
    ///   cannot be parsed or reached, or timed out.
    static func open(_ location: String?, timeout: Double = defaultTimeout) async throws -> any JobStore {
        do {
            return try await StoreLocation.resolve(location).open(callTimeout: timeout)
        } catch let error as JobStoreError {
            throw Fatal(error.message)
        }
    }

    /// Opens the store, runs `body` with it, and closes it, whatever `body` does.
    func using<T>(_ body: (any JobStore) async throws -> T) async throws -> T {
        try await Self.using(store, timeout: storeTimeout, body)
    }

    /// Opens the store at `location`, runs `body` with it, and closes it, whatever `body` does.
    static func using<T>(
        _ location: String?, timeout: Double = defaultTimeout, _ body: (any JobStore) async throws -> T
    ) async throws -> T {
        let opened = try await open(location, timeout: timeout)
        do {
            let result = try await body(opened)
            await opened.close()
            return result
        } catch {
            await opened.close()
            throw error
        }
    }
}
