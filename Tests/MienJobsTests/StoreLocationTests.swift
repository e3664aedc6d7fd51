import Foundation
import Testing
@testable import MienJobs

struct StoreLocationTests {
    @Test(arguments: [
        ("sqlite:jobs.sqlite", "jobs.sqlite"),
        ("sqlite:out/jobs.db", "out/jobs.db"),
        ("sqlite:/var/mien/jobs.db", "/var/mien/jobs.db"),
        ("sqlite://rel/jobs.db", "rel/jobs.db"),
        ("sqlite:///abs/jobs.db", "/abs/jobs.db"),
    ])
    func parsesSQLitePaths(text: String, path: String) throws {
        #expect(try StoreLocation(parsing: text, environment: [:]) == .sqlite(path: path))
    }

    @Test func parsesPostgresURLs() throws {
        let plain = try StoreLocation(parsing: "postgres://mien@db.internal:6543/jobs", environment: [:])
        #expect(plain == .postgres(PostgresLocation(host: "db.internal", port: 6543, user: "mien", database: "jobs")))
        let defaults = try StoreLocation(parsing: "postgresql://db/jobs?sslmode=disable", environment: [:])
        #expect(defaults == .postgres(PostgresLocation(host: "db", port: 5432, user: "postgres", database: "jobs",
                                                       tls: .disable)))
    }

    @Test func passwordComesFromTheURLOrPGPASSWORDAndIsNeverShown() throws {
        let inURL = try StoreLocation(parsing: "postgres://mien:s%40cret@db:5432/jobs", environment: ["PGPASSWORD": "env"])
        guard case .postgres(let location) = inURL else { Issue.record("not postgres"); return }
        #expect(location.password == "s@cret")
        #expect(inURL.description == "postgres://mien@db:5432/jobs")
        #expect(!"\(inURL)".contains("cret"))

        let fromEnvironment = try StoreLocation(parsing: "postgres://mien@db/jobs", environment: ["PGPASSWORD": "env"])
        guard case .postgres(let other) = fromEnvironment else { Issue.record("not postgres"); return }
        #expect(other.password == "env")
        #expect(!fromEnvironment.description.contains("env"))
    }

    @Test(arguments: ["jobs.sqlite", "sqlite:", "mysql://u@h/db", "postgres://u:hunter2@/db", "postgres://u:hunter2@h/",
                      "postgres://u@h/db?sslmode=sometimes"])
    func rejectsBadLocationsWithoutShowingPasswords(text: String) {
        let error = #expect(throws: JobStoreError.self) { try StoreLocation(parsing: text, environment: [:]) }
        #expect(error?.code == .badLocation)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func resolvePrefersTheOptionThenMIEN_STORE() throws {
        let environment = ["MIEN_STORE": "sqlite:from-env.db"]
        #expect(try StoreLocation.resolve("sqlite:from-option.db", environment: environment) == .sqlite(path: "from-option.db"))
        #expect(try StoreLocation.resolve(nil, environment: environment) == .sqlite(path: "from-env.db"))
        let error = #expect(throws: JobStoreError.self) { try StoreLocation.resolve(nil, environment: [:]) }
        #expect(error?.code == .badLocation)
        #expect(error?.message.contains("MIEN_STORE") == true)
    }

    @Test func jobIDsAreTheFirst16HexDigitsOfSHA256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)  // two blocks after padding
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(JobSubmission(key: "abc", settings: Data(), videos: []).jobID == "ba7816bf8f01cfea")
    }
}
