import Foundation

extension TemporaryPostgresServer {
    /// One server for this whole process (a test run): started on first use
    /// (about 1-2 s), stopped and deleted when the process exits.
    /// - Throws: why it could not be started (the same error every time).
    public static func shared() throws -> TemporaryPostgresServer { try SharedServer.started.get() }
}

/// The process's shared server, started once.
private enum SharedServer {
    static let started: Result<TemporaryPostgresServer, JobStoreError> = {
        do {
            let server = try TemporaryPostgresServer()
            atexit { SharedServer.stopAtExit() }
            return .success(server)
        } catch let error as JobStoreError {
            return .failure(error)
        } catch {
            return .failure(JobStoreError(.unavailable, "cannot start the temporary PostgreSQL server: \(error)"))
        }
    }()

    static func stopAtExit() {
        if case .success(let server) = started { server.stop() }
    }
}
