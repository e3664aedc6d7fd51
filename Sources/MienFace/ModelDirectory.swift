import Foundation

/// Finds the folder holding the model weights (`Models/` of the repository).
///
/// Looked up in order: a folder given for one load (`withFolder(_:_:)`,
/// `mien eval --compare-models`); the `MIEN_MODELS` environment variable
/// (when it is set, that folder or an error: never silently another
/// folder's weights);
/// `share/mien/models` beside the executable's folder (an installed layout,
/// as in the container); a `Models` folder in the executable's folder or any
/// folder above it (a build inside the repository, `.build/release/mien`);
/// the source checkout this module was built from.
public enum ModelDirectory {
    /// A file every model folder has, used to recognise one.
    static let marker = "mini_xception.safetensors"

    /// The folder `withFolder(_:_:)` set for the task in progress.
    @TaskLocal static var chosen: String?

    /// Runs `body` with `folder` as the model folder, whatever `MIEN_MODELS`
    /// says: how one side of a comparison loads another export's weights.
    /// Models loaded inside keep their weights after it returns.
    public static func withFolder<T>(_ folder: String, _ body: () throws -> T) rethrows -> T {
        try $chosen.withValue(folder, operation: body)
    }

    /// The model folder.
    /// - Throws: `ModelNotFound`, listing the folders tried, when none holds the weights.
    public static func locate() throws -> String {
        var tried: [String] = []
        func check(_ folder: String) -> String? {
            tried.append(folder)
            return FileManager.default.fileExists(atPath: folder + "/" + marker) ? folder : nil
        }
        if let chosen {
            if let found = check(chosen) { return found }
            throw ModelNotFound(tried: tried, named: chosen, source: nil)
        }
        if let env = ProcessInfo.processInfo.environment["MIEN_MODELS"], !env.isEmpty {
            if let found = check(env) { return found }
            throw ModelNotFound(tried: tried, named: env)
        }
        let executable = executablePath().deletingLastPathComponent()
        if let found = check(executable.deletingLastPathComponent().appendingPathComponent("share/mien/models").path) { return found }
        var folder = executable
        while folder.path != "/" {
            if let found = check(folder.appendingPathComponent("Models").path) { return found }
            folder.deleteLastPathComponent()
        }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if let found = check(checkout.appendingPathComponent("Models").path) { return found }
        throw ModelNotFound(tried: tried)
    }

    /// The path of `file` in the model folder.
    public static func path(_ file: String) throws -> String { try locate() + "/" + file }

    /// The running executable's real path: `/proc/self/exe` on Linux (a
    /// program started through `PATH` has only its bare name in `argv[0]`),
    /// else `argv[0]` made absolute with links resolved.
    public static func executablePath() -> URL {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }
}

/// No model folder was found; lists where Mien looked.
public struct ModelNotFound: Error, CustomStringConvertible {
    /// The folders looked in.
    public let tried: [String]
    /// The one folder named, by `MIEN_MODELS` or `ModelDirectory.withFolder` (then nothing else was tried).
    public var named: String? = nil
    /// What named it: `MIEN_MODELS`, or nil for a folder given to `ModelDirectory.withFolder`.
    public var source: String? = "MIEN_MODELS"
    public var description: String {
        if let named, let source {
            return "\(source)=\(named): no model weights there (no \(ModelDirectory.marker)); "
                + "point it at a folder holding Mien's Models, or unset it"
        }
        if let named {
            return "\(named): not a model folder (no \(ModelDirectory.marker)); give a folder holding Mien's Models"
        }
        return "model weights not found (looked for \(ModelDirectory.marker) in \(tried.joined(separator: ", "))); set MIEN_MODELS to the Models folder"
    }
}
