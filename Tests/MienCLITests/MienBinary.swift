import Foundation
import MienTestSupport

/// The `mien` executable built beside the tests, run as a user would run it.
enum MienBinary {
    static let path: String = {
        // Test bundles are built into the same products folder as the executable.
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("mien").path,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mien").path,
        ] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("mien").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            fatalError("the mien executable was not found beside the test bundle; looked in \(candidates)")
        }
        return found
    }()

    static func run(_ arguments: [String]) throws -> Tool.Output {
        try Tool.run(path, arguments)
    }
}
