import Foundation

/// A throwaway PostgreSQL server for tests and `mien bench queue
/// --start-postgres`: `initdb` into a fresh folder under /tmp, `pg_ctl start`
/// on a free 127.0.0.1 port with trust authentication and durability off
/// (`fsync`, `synchronous_commit`, `full_page_writes`), `stop()` to shut it
/// down and delete the folder.
///
/// The server binaries are Debian's (`postgresql`, installed by
/// scripts/install-deps.sh), found as `/usr/lib/postgresql/*/bin` (the newest
/// version). PostgreSQL refuses to run as root, so when this process is root
/// the commands run as the `postgres` system user (`runuser -u postgres --`),
/// which then owns the folder.
public final class TemporaryPostgresServer: Sendable {
    /// The folder holding the data directory, the socket and the log.
    public let directory: String
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// The folder with `initdb`, `pg_ctl`, `createdb`.
    public let binaries: String
    private let runAs: [String]

    /// Creates the cluster and starts the server, waiting until it accepts connections.
    /// - Throws: `JobStoreError.unavailable` when the binaries are missing
    ///   (the message says to run scripts/install-deps.sh) or a step fails
    ///   (the message carries its output).
    public init() throws {
        binaries = try Self.findBinaries()
        runAs = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mien-postgres-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if geteuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw JobStoreError(.unavailable, "running as root, but there is no 'postgres' user to run PostgreSQL "
                                    + "as: run scripts/install-deps.sh")
            }
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw JobStoreError(.unavailable, "cannot give \(directory) to the postgres user (errno \(errno))")
            }
        }
        try Self.run(runAs + ["\(binaries)/initdb", "-D", "\(directory)/data", "-U", "postgres", "--auth=trust",
                              "-E", "UTF8", "--no-locale", "--no-sync"])
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = Self.freePort()
            let options = "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
            do {
                try Self.run(runAs + ["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/server.log",
                                      "-o", options, "-w", "-t", "30", "start"])
                self.port = port
                return
            } catch {
                lastError = error
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastError ?? JobStoreError(.unavailable, "cannot start PostgreSQL")
    }

    /// Creates a database (owned by user `postgres`, no password) and returns its location.
    /// - Throws: `JobStoreError.unavailable` when `createdb` fails.
    public func createDatabase(_ name: String) throws -> PostgresLocation {
        try Self.run(runAs + ["\(binaries)/createdb", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name])
        return PostgresLocation(host: "127.0.0.1", port: port, user: "postgres", database: name, tls: .disable)
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`) and deletes its folder.
    public func stop() {
        try? Self.run(runAs + ["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The newest `/usr/lib/postgresql/VERSION/bin` that has `initdb`.
    static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let found = versions.compactMap(Int.init).sorted().reversed()
            .map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
        guard let found else {
            throw JobStoreError(.unavailable, "PostgreSQL server binaries not found (\(root)/*/bin/initdb): "
                                + "run scripts/install-deps.sh to install Debian's postgresql")
        }
        return found
    }

    /// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 20000 + Int(getpid() % 20000)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34, Debian
    /// 12 has 2.36), looked up at run time: Swift's Glibc module does not
    /// import this GNU extension. Nil on an older C library.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(
            symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
    }()

    /// Runs a command to completion, its output (to a file) kept for the error.
    ///
    /// `posix_spawn` and `waitpid` rather than Foundation's `Process`: the
    /// server that `pg_ctl start` leaves running inherits the command's
    /// descriptors, and `Process.waitUntilExit` was seen never to return for it.
    /// For the same reason the child gets no descriptor but 0, 1 and 2: one
    /// this process opened at that moment for something else (the output
    /// pipe of a `mien` a test was running beside) stayed open in the server,
    /// so that pipe never reached its end and the test hung reading it.
    /// - Throws: `JobStoreError.unavailable` with the command and its output when it exits non-zero.
    static func run(_ arguments: [String]) throws {
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("mien-postgres-command-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = closeFrom?(&actions, 3)
        // Through sh, to start in /tmp: a folder the postgres user may enter.
        let command = ["/bin/sh", "-c", "cd /tmp && exec \"$@\"", "sh"] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw JobStoreError(.unavailable, "cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited normally with status 0: the low 7 bits (signal) and the exit code byte are 0.
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw JobStoreError(.unavailable, "\(arguments.joined(separator: " ")) failed (wait status \(status)): \(output)")
        }
    }
}
