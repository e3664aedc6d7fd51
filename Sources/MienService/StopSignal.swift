import Dispatch
import Foundation
import Synchronization

/// A graceful stop asked for by SIGTERM or SIGINT: the first signal sets
/// `requested` (a worker finishes its current shard, then exits); a second
/// one exits at once with status 128 + the signal's number (the shard's lease
/// then expires and another worker takes it, so nothing is lost).
public final class StopSignal: Sendable {
    private let count = Atomic<Int>(0)
    // Safety: written once in `init`; the sources must stay alive to keep delivering.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    /// Installs handlers for SIGTERM and SIGINT (replacing their default action).
    public init() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if count.add(1, ordering: .relaxed).newValue > 1 { exit(128 + number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a stop was asked for.
    public var requested: Bool { count.load(ordering: .relaxed) > 0 }
}
