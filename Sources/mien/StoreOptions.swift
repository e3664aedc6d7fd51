import ArgumentParser
import MienJobs
import MienService

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
    /// up to date, every call to it then bounded by `timeout` seconds; with
    /// `outage`, waiting out a store that is down or silent for that long
    /// (`mien worker`).
    /// - Throws: `Fatal` with the store's message (never its password): it
    ///   cannot be parsed or reached, or timed out.
    static func open(_ location: String?, timeout: Double = defaultTimeout,
                     outage: StoreOutage? = nil, stop: StopSignal? = nil) async throws -> any JobStore {
        do {
            let resolved = try StoreLocation.resolve(location)
            guard let outage else { return try await resolved.open(callTimeout: timeout) }
            return try await outage.outlast("open the store", stop: stop) { try await resolved.open(callTimeout: timeout) }
        } catch let error as JobStoreError {
            throw Fatal(error.message)
        }
    }

    /// Opens the store, runs `body` with it, and closes it, whatever `body` does.
    func using<T>(outage: StoreOutage? = nil, stop: StopSignal? = nil, _ body: (any JobStore) async throws -> T) async throws -> T {
        try await Self.using(store, timeout: storeTimeout, outage: outage, stop: stop, body)
    }

    /// Opens the store at `location`, runs `body` with it, and closes it, whatever `body` does.
    static func using<T>(
        _ location: String?, timeout: Double = defaultTimeout, outage: StoreOutage? = nil, stop: StopSignal? = nil,
        _ body: (any JobStore) async throws -> T
    ) async throws -> T {
        let opened = try await open(location, timeout: timeout, outage: outage, stop: stop)
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
