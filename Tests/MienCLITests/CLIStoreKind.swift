import Foundation
import MienJobs

/// The job stores the CLI job tests run against: a fresh SQLite file, or a
/// fresh database on this test process's own PostgreSQL server (started on
/// first use, stopped at exit; a missing server fails the test with the
/// reason, which says to run scripts/install-deps.sh).
enum CLIStoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    var description: String { rawValue }

    /// A `--store` URL for a new, empty store of this kind under `folder`.
    func freshURL(in folder: String) throws -> String {
        switch self {
        case .sqlite:
            return "sqlite:" + folder + "/jobs.sqlite"
        case .postgres:
            let name = "cli\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
            let location = try TemporaryPostgresServer.shared().createDatabase(name)
            return "postgres://\(location.user)@\(location.host):\(location.port)/\(location.database)?sslmode=disable"
        }
    }
}
