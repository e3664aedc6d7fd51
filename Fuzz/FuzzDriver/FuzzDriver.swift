// Hands a fuzz target to libFuzzer's driver.
//
// SwiftPM links an executable target's entry point as `<Target>_main` (so that
// tests can link executables), which replaces libFuzzer's own `main`; each
// target therefore defines that symbol and calls `FuzzDriver.run`, which runs
// libFuzzer exactly as its `main` would, with the same command-line options.

/// libFuzzer's entry point for programs that have a `main` of their own.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs libFuzzer over `target` (the target's `LLVMFuzzerTestOneInput`).
public enum FuzzDriver {
    /// Runs libFuzzer with the process's arguments; returns its exit status.
    public static func run(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32 {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, target)
    }
}
