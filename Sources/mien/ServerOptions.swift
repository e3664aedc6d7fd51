import ArgumentParser
import MienServer

/// `--server` and `--token-file`: reach a coordinator through `mien serve`'s
/// HTTP API instead of opening its store.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A mien server (mien serve) to use instead of a store, e.g. http://coordinator:8080.", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("File whose first line is the bearer token for --server.", valueName: "FILE"))
    var tokenFile: String?

    func validate() throws {
        if server != nil && tokenFile == nil { throw ValidationError("--server needs --token-file.") }
        if server == nil && tokenFile != nil { throw ValidationError("--token-file goes with --server.") }
    }

    /// The client, when `--server` was given.
    func client() throws -> APIClient? {
        guard let server, let tokenFile else { return nil }
        do { return try APIClient(server: server, tokenFile: tokenFile) } catch let error as APIClientError {
            throw Fatal(error.description)
        }
    }
}

extension ServerOptions {
    /// Checks that `--store` is not given as well.
    func validate(against store: StoreOptions) throws {
        if server != nil && store.store != nil { throw ValidationError("--server and --store exclude each other.") }
    }
}

/// Runs a request, turning the client's errors into `Fatal`.
func serverCall<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as APIClientError { throw Fatal(error.description) }
}
