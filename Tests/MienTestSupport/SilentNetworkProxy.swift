import Foundation
import Synchronization

/// A TCP proxy on 127.0.0.1 for fault tests: it forwards every connection to
/// an upstream server until `blackhole()`, after which it moves no byte in
/// either direction and closes nothing, so both ends see a network that went
/// silent (packets dropped, no reset), as in a partition. `resume()` delivers
/// what was held back, as TCP's retransmissions do once a partition heals:
/// a statement sent into the silence may thus reach the server late.
///
/// New connections made during a black hole are accepted (the kernel would
/// complete their handshake anyway) and are silent too. One thread moves the
/// bytes with `poll`; call `stop()` to end it and close every socket.
public final class SilentNetworkProxy: @unchecked Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// Where it forwards to.
    public let upstreamPort: Int

    private let listener: Int32
    private let state = Mutex(State())
    private var thread: Thread?

    private struct State {
        var forwarding = true
        var stopped = false
        var connections = 0
        var bytesToUpstream = 0
        var bytesToClients = 0
    }

    /// Starts listening on a free port of 127.0.0.1, forwarding to `upstreamPort` there.
    /// - Throws: `FixtureError` when the socket cannot be bound.
    public init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("proxy: cannot make a socket (errno \(errno))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, listen(fd, 64) == 0 else {
            close(fd)
            throw FixtureError("proxy: cannot listen on 127.0.0.1 (errno \(errno))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in loop() }
        thread.name = "SilentNetworkProxy \(port)"
        self.thread = thread
        thread.start()
    }

    /// Stops forwarding, both ways, without closing any socket.
    public func blackhole() { state.withLock { $0.forwarding = false } }

    /// Forwards again, starting with what was held back.
    public func resume() { state.withLock { $0.forwarding = true } }

    /// Whether bytes are being forwarded.
    public var isForwarding: Bool { state.withLock { $0.forwarding } }

    /// Connections accepted so far.
    public var connections: Int { state.withLock { $0.connections } }

    /// Bytes forwarded so far towards the server and towards the clients.
    public var bytesForwarded: (toUpstream: Int, toClients: Int) {
        state.withLock { ($0.bytesToUpstream, $0.bytesToClients) }
    }

    /// Ends the forwarding thread and closes every socket (the clients then see the connection reset or closed).
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        while let thread, !thread.isFinished { usleep(5_000) }
    }

    // MARK: The forwarding loop

    /// One direction of a connection: bytes read from `from` and not yet written to `to`.
    private struct Pipe {
        var from: Int32
        var to: Int32
        var towardsServer: Bool
        var pending: [UInt8] = []
        var readEnded = false
    }

    private func loop() {
        var pipes: [Pipe] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        defer {
            for pipe in pipes { close(pipe.from) }
            close(listener)
        }
        while true {
            let (stopped, forwarding) = state.withLock { ($0.stopped, $0.forwarding) }
            if stopped { return }
            acceptAll(into: &pipes)
            var polls = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            if forwarding {
                for pipe in pipes {
                    if !pipe.pending.isEmpty {
                        polls.append(pollfd(fd: pipe.to, events: Int16(POLLOUT), revents: 0))
                    } else if !pipe.readEnded {
                        polls.append(pollfd(fd: pipe.from, events: Int16(POLLIN), revents: 0))
                    }
                }
            }
            _ = poll(&polls, nfds_t(polls.count), 20)
            guard forwarding, state.withLock({ $0.forwarding && !$0.stopped }) else { continue }
            for index in pipes.indices { move(&pipes[index], buffer: &buffer) }
            closeFinished(&pipes)
        }
    }

    /// Accepts waiting clients, each with a new connection to the server.
    private func acceptAll(into pipes: inout [Pipe]) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = server >= 0 && withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                if server >= 0 { close(server) }
                continue
            }
            for fd in [client, server] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            pipes.append(Pipe(from: client, to: server, towardsServer: true))
            pipes.append(Pipe(from: server, to: client, towardsServer: false))
            state.withLock { $0.connections += 1 }
        }
    }

    /// Writes what is pending, then reads what is there; an end of stream is
    /// passed on as a half close once everything before it is written.
    private func move(_ pipe: inout Pipe, buffer: inout [UInt8]) {
        if !pipe.pending.isEmpty {
            let written = pipe.pending.withUnsafeBytes { send(pipe.to, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                pipe.pending.removeFirst(written)
                let towardsServer = pipe.towardsServer
                state.withLock { towardsServer ? ($0.bytesToUpstream += written) : ($0.bytesToClients += written) }
            } else if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                pipe.pending.removeAll()
                pipe.readEnded = true
                shutdown(pipe.from, Int32(SHUT_RD))
            }
            if !pipe.pending.isEmpty { return }
        }
        guard !pipe.readEnded else { return }
        let received = buffer.withUnsafeMutableBytes { recv(pipe.from, $0.baseAddress, $0.count, 0) }
        if received > 0 {
            pipe.pending.append(contentsOf: buffer[0..<received])
        } else if received == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
            pipe.readEnded = true
            shutdown(pipe.to, Int32(SHUT_WR))
        }
    }

    /// Closes connections whose both directions have ended and been written out.
    private func closeFinished(_ pipes: inout [Pipe]) {
        var index = 0
        while index + 1 < pipes.count {
            let (up, down) = (pipes[index], pipes[index + 1])
            if up.readEnded && down.readEnded && up.pending.isEmpty && down.pending.isEmpty {
                close(up.from)
                close(up.to)
                pipes.removeSubrange(index...(index + 1))
            } else {
                index += 2
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
