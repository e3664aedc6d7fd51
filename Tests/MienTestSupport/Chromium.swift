import Foundation

/// Headless Chromium (Debian's `chromium`, which `scripts/install-deps.sh`
/// installs): loads a page, takes a PNG screenshot, and collects the console
/// messages Chromium logs (`INFO:CONSOLE`), such as errors of scripts.
public enum Chromium {
    /// The executable, when installed.
    public static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether the browser tests run: Chromium is installed, or this is CI (which
    /// installs it, so that a missing browser fails there instead of skipping).
    public static var testsEnabled: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// Why the browser tests are skipped.
    public static let skipReason = "Chromium is not installed (run scripts/install-deps.sh, which installs Debian's chromium)"

    /// What a page load left.
    public struct Load: Sendable {
        /// The console messages, one per line as Chromium logs them.
        public var console: [String]
        /// Chromium's whole log.
        public var log: String
        /// Its exit status.
        public var status: Int32
    }

    /// Loads `page` (a local file) at `width` x `height`, with every host name
    /// unresolvable (so nothing could load from the network), and writes a screenshot to `screenshot`.
    public static func screenshot(of page: String, to screenshot: String, width: Int = 1280, height: Int = 1600) throws -> Load {
        guard let path else { throw FixtureError(skipReason) }
        let profile = NSTemporaryDirectory() + "mien-chromium-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let output = try Tool.run(path, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(profile)", "--window-size=\(width),\(height)", "--screenshot=\(screenshot)",
            "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
            URL(fileURLWithPath: page).absoluteString,
        ])
        let log = output.stderr + output.text
        let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Load(console: console, log: log, status: output.status)
    }
}
