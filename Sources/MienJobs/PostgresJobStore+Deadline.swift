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
                    let result: Result<T, any Error>
                    do { result = .success(try await body(connection, logger)) } catch { result = .failure(error) }
                    await held.finish(connection)
                    return try result.get()
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
///
/// postgres-nio fails the query first and closes the socket after; a
/// connection handed back to the pool in between was given to the next call
/// as idle, which then failed at once with "cannot reach the server" instead
/// of waiting out its own bound (seen on a busy CI machine). So a call whose
/// connection was closed waits, before handing it back, until it has closed
/// (the pool hears of it first); and once the call has finished, the
/// deadline no longer closes it.
final class HeldConnection: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var abandoned = false
        var finished = false
        /// Whether `abandon` closed the connection.
        var closed = false
    }

    private let state = Mutex(State())

    /// Records the connection the call got; if the call was abandoned while
    /// it waited for it, closes the connection, waits until it has closed and
    /// throws `CancellationError`.
    func use(_ connection: PostgresConnection) async throws {
        let abandoned = state.withLock { state in
            if !state.abandoned { state.connection = connection }
            return state.abandoned
        }
        if abandoned {
            Self.close(connection)
            try? await connection.closeFuture.get()
            throw CancellationError()
        }
    }

    /// The call is done with its connection, which goes back to the pool:
    /// at once, or once closed if the deadline closed it.
    func finish(_ connection: PostgresConnection) async {
        let closed = state.withLock { state in
            state.finished = true
            state.connection = nil
            return state.closed
        }
        if closed { try? await connection.closeFuture.get() }
    }

    /// The deadline passed: closes the connection in use, unless the call
    /// has finished with it, and any the call gets later.
    func abandon() {
        let connection = state.withLock { state -> PostgresConnection? in
            state.abandoned = true
            guard !state.finished, let connection = state.connection else { return nil }
            state.closed = true
            state.connection = nil
            return connection
        }
        if let connection { Self.close(connection) }
    }

    /// Closes the socket at once (no goodbye to a server that does not answer).
    private static func close(_ connection: PostgresConnection) {
        let _: EventLoopFuture<Void> = connection.close()
    }
}
