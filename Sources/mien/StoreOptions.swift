import ArgumentParser
import MienJobs

/// `--store`: where jobs live, for every command that uses a job store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Job store: sqlite:PATH (one machine) or postgres://USER@HOST:PORT/DB (password from PGPASSWORD). Default: $MIEN_STORE.",
        valueName: "URL"))
    var store: String?

    /// Opens the store and brings its schema up to date.
    func open() async throws -> any JobStore {
        try await Self.open(store)
    }

    /// Seconds to wait for a store to open before giving up (a PostgreSQL
    /// client otherwise retries an unreachable server for over a minute).
    static let connectTimeout = 20.0

    /// Opens the store at `location` (nil: `$MIEN_STORE`) and brings its schema up to date.
    static func open(_ location: String?) async throws -> any JobStore {
        let resolved: StoreLocation
        do { resolved = try StoreLocation.resolve(location) } catch let error as JobStoreError { throw Fatal(error.message) }
        let opening = Task { () throws -> any JobStore in
            let opened = try await resolved.open()
            try await opened.migrate()
            return opened
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(connectTimeout))
            opening.cancel()
        }
        defer { timer.cancel() }
        let started = ContinuousClock.now
        do {
            return try await opening.value
        } catch {
            if ContinuousClock.now - started >= .seconds(connectTimeout) {
                throw Fatal("job store \(resolved): no answer within \(Int(connectTimeout)) s (is the server running and reachable?)")
            }
            throw Fatal((error as? JobStoreError)?.message ?? "job store \(resolved): \(error)")
        }
    }

    /// Opens the store, runs `body` with it, and closes it, whatever `body` does.
    func using<T>(_ body: (any JobStore) async throws -> T) async throws -> T {
        try await Self.using(store, body)
    }

    /// Opens the store at `location`, runs `body` with it, and closes it, whatever `body` does.
    static func using<T>(_ location: String?, _ body: (any JobStore) async throws -> T) async throws -> T {
        let opened = try await open(location)
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
