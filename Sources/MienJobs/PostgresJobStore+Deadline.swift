import Foundation
import PostgresNIO
import Synchronization

/// The bound on every call (see `PostgresJobStore`'s notes on a silent server).
extension PostgresJobStore {
    /// Runs `body` on a pooled connection, the wait for the connection
    /// included, bounded by `callTimeout`. Past it the caller gets
    /// `JobStoreError.timedOut` and the connection is closed, which fails the
    /// query still waiting on it, so the pool does not keep it (a cancelled
    /// caller closes it too: nobody would read the answer).
    /// - Parameter call: what is being done, for the error (`claim`, `status` ...).
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed`, or what `body` throws.
    func bounded<T: Sendable>(
        _ call: String, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let held = HeldConnection()
        let seconds = callTimeout
        let name = location.description
        return try await CallDeadline.run(
            seconds: seconds,
            timeout: { Self.timedOut(call, store: name, after: seconds) },
            onAbandon: { held.abandon() }
        ) { [self] in
            try await mapErrors {
                try await client.withConnection { connection in
                    try await held.use(connection)
                    defer { held.release() }
                    do {
                        return try await body(connection, logger)
                    } catch {
                        await held.settle(connection)
                        throw error
                    }
                }
            }
        }
    }

    /// "job store URL: no answer to CALL within N s ...".
    static func timedOut(_ call: String, store: String, after seconds: Double) -> JobStoreError {
        JobStoreError(.timedOut, "job store \(store): timed out after \(String(format: "%g", seconds)) s "
                      + "waiting for an answer to \(call) (is the server up, and the network to it working?)")
    }
}

/// The connection a bounded call is using, so the deadline can close it.
final class HeldConnection: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var abandoned = false
    }

    private let state = Mutex(State())

    /// Records the connection the call got; if the call was abandoned while
    /// it waited for it, closes the connection and throws `CancellationError`.
    func use(_ connection: PostgresConnection) async throws {
        let abandoned = state.withLock { state in
            if !state.abandoned { state.connection = connection }
            return state.abandoned
        }
        if abandoned {
            Self.close(connection)
            await settle(connection)
            throw CancellationError()
        }
    }

    /// When the call was abandoned (its connection closed at the deadline),
    /// waits until the connection has closed, so that the pool has heard it
    /// closed before the connection is handed back: postgres-nio fails the
    /// query first and closes the socket after, and a connection handed back
    /// in between was given to the next call as idle, which then failed at
    /// once with "cannot reach the server" instead of waiting out its own
    /// bound (seen on a busy CI machine). Returns at once otherwise.
    func settle(_ connection: PostgresConnection) async {
        guard state.withLock({ $0.abandoned }) else { return }
        try? await connection.closeFuture.get()
    }

    /// The call is done with its connection (it goes back to the pool).
    func release() {
        state.withLock { $0.connection = nil }
    }

    /// The deadline passed: closes the connection in use, if any, and any the call gets later.
    func abandon() {
        let connection = state.withLock { state in
            state.abandoned = true
            defer { state.connection = nil }
            return state.connection
        }
        if let connection { Self.close(connection) }
    }

    /// Closes the socket at once (no goodbye to a server that does not answer).
    private static func close(_ connection: PostgresConnection) {
        let _: EventLoopFuture<Void> = connection.close()
    }
}
