import Dispatch
import Foundation
import Synchronization

/// A graceful stop asked for by SIGTERM or SIGINT (or by `request()`): the
/// first one sets `requested` (a worker stops its shard at the next batch of
/// frames, hands it back and exits); a second one runs `onForcedStop` (if
/// set) and exits at once with status 128 + the signal's number (a shard's
/// lease then expires and another worker takes it, so nothing is lost).
public final class StopSignal: Sendable {
    private let count = Atomic<Int>(0)
    private let first = Atomic<Int32>(0)
    private let forced: Mutex<(@Sendable (Int32) -> Void)?> = Mutex(nil)
    private let listeners: Mutex<[@Sendable () -> Void]> = Mutex([])
    // Safety: written once in `init`; the sources must stay alive to keep delivering.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    /// Installs handlers for SIGTERM and SIGINT (replacing their default action).
    public init() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in received(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a stop was asked for.
    public var requested: Bool { count.load(ordering: .relaxed) > 0 }

    /// The signal of the first stop (`request()` counts as SIGTERM); nil
    /// while none came. `mien worker` exits with 128 + it once stopped.
    public var firstSignal: Int32? {
        let number = first.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// Asks for a graceful stop, as a first signal does (a second call, or a
    /// signal after it, is the forced stop).
    public func request() { received(SIGTERM) }

    /// Runs `body` (on a signal-handling thread) before the process exits on a
    /// second signal: `mien analyze` kills its workers there.
    public func onForcedStop(_ body: @escaping @Sendable (Int32) -> Void) {
        forced.withLock { $0 = body }
    }

    /// Runs `body` once, on the first stop request (or at once if one came already).
    public func onFirstStop(_ body: @escaping @Sendable () -> Void) {
        let now = listeners.withLock { list -> Bool in
            if count.load(ordering: .relaxed) > 0 { return true }
            list.append(body)
            return false
        }
        if now { body() }
    }

    private func received(_ number: Int32) {
        let waiting = listeners.withLock { list -> [@Sendable () -> Void]? in
            guard count.add(1, ordering: .relaxed).newValue == 1 else { return nil }
            first.store(number, ordering: .relaxed)
            defer { list = [] }
            return list
        }
        if let waiting {
            for body in waiting { body() }
            return
        }
        forced.withLock { $0 }?(number)
        exit(128 + number)
    }
}
