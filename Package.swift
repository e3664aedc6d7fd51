// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Code generation for Mien's own kernels (depthwise convolution, pooling, pixel
/// conversion: plain Swift loops the compiler vectorises). `MIEN_CPU` chooses:
/// - unset or `auto`: the build machine's vector unit when it has AVX2 and FMA
///   (x86-64 CPUs since about 2015), else the portable baseline. The classifier
///   runs about 10% faster (depthwise convolution 1.7x) than with the baseline.
/// - `portable`: the x86-64 baseline, for a binary that must run on other
///   machines than the one that built it (an image built for a cluster).
/// - any other value: that CPU name, passed to `-target-cpu`.
/// Changing it needs a clean build (`rm -rf .build`).
func codeGeneration() -> [SwiftSetting] {
    optimizedInDebug + targetCPU()
}

/// The kernels are optimised in debug builds too: the direct convolution and
/// pooling loops run 20-50x slower unoptimised, which made every test that
/// analyses a video take minutes. (Debugging these modules steps through
/// optimised code; set `MIEN_DEBUG_KERNELS=1` for plain `-Onone`.)
let optimizedInDebug: [SwiftSetting] = ProcessInfo.processInfo.environment["MIEN_DEBUG_KERNELS"] == "1"
    ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// `-target-cpu` for `MIEN_CPU` (see `codeGeneration`).
func targetCPU() -> [SwiftSetting] {
    let choice = ProcessInfo.processInfo.environment["MIEN_CPU"] ?? "auto"
    if choice == "portable" { return [] }
    if choice != "auto" { return [.unsafeFlags(["-target-cpu", choice])] }
    #if arch(x86_64) && os(Linux)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let features = Set(flags.split(separator: " ").map(String.init))
    return features.isSuperset(of: ["avx2", "fma"]) ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
    #else
    return []
    #endif
}

/// Mien: batch facial-expression analysis of recorded video.
///
/// Module graph (arrows are imports):
///   CFFmpeg, CMienJPEG <- MienMedia <- mien
///   COpenBLAS, CMienQuant <- MienNN <- MienFace <- MienPipeline <- mien (MienFace and MienPipeline also use MienMedia)
///   MienPipeline, MienMedia, Mustache <- MienAnalytics <- mien (summaries and HTML reports of timelines)
///   MienJobs <- MienService <- MienServer (the HTTP API, Hummingbird) <- mien
/// Only MienMedia imports CFFmpeg and CMienJPEG; only MienNN imports COpenBLAS and CMienQuant.
let package = Package(
    name: "Mien",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mien", targets: ["mien"]),
        .library(name: "MienMedia", targets: ["MienMedia"]),
        .library(name: "MienNN", targets: ["MienNN"]),
        .library(name: "MienFace", targets: ["MienFace"]),
        .library(name: "MienPipeline", targets: ["MienPipeline"]),
        .library(name: "MienJobs", targets: ["MienJobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // CMienJPEG: grayscale JPEGs through libjpeg (Debian's libjpeg62-turbo), the decoder
        // Pillow uses, so `mien eval` sees the pixels the training code saw.
        .target(name: "CMienJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "MienMedia", dependencies: ["CFFmpeg", "CMienJPEG"], swiftSettings: codeGeneration()),
        // C kernels, optimised in debug builds too, like MienNN's loops; -ffp-contract=off:
        // no fused multiply-add where the C loops must give the bits of their references
        // (the kernels call fmaf where they mean it). CMienFloat: YuNet's float32
        // pointwise and depthwise 3x3 kernels and row stream (AVX-512 / AVX2 intrinsics
        // chosen at run time, portable C with fmaf otherwise; every path the same bits).
        // CMienQuant: the int8 convolutions (AVX-512 VNNI, AVX2, portable C).
        .target(name: "CMienFloat", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        .target(name: "CMienQuant", dependencies: ["CMienFloat"], cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        .target(name: "MienNN", dependencies: ["COpenBLAS", "CMienQuant", "CMienFloat"], swiftSettings: codeGeneration()),
        .target(name: "MienFace", dependencies: ["MienNN", "MienMedia"], swiftSettings: codeGeneration()),
        .target(
            name: "MienPipeline", dependencies: ["MienFace", "MienNN", "MienMedia", .product(name: "Yams", package: "Yams")],
            swiftSettings: codeGeneration()),
        .target(
            name: "MienJobs",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "MienAnalytics",
            dependencies: ["MienPipeline", "MienMedia", "MienFace", .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "MienService", dependencies: ["MienJobs", "MienPipeline", "MienMedia"]),
        .target(
            name: "MienServer",
            dependencies: [
                "MienJobs", "MienService", "MienPipeline", "MienMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "mien",
            dependencies: [
                "MienMedia",
                "MienNN",
                "MienFace",
                "MienPipeline",
                "MienJobs",
                "MienService",
                "MienAnalytics",
                "MienServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "MienTestSupport", dependencies: ["MienNN"], path: "Tests/MienTestSupport"),
        .testTarget(name: "MienMediaTests", dependencies: ["MienMedia", "MienTestSupport"]),
        .testTarget(name: "MienNNTests", dependencies: ["MienNN", "MienTestSupport"]),
        .testTarget(name: "MienFaceTests", dependencies: ["MienFace", "MienMedia", "MienTestSupport"]),
        .testTarget(name: "MienPipelineTests", dependencies: ["MienPipeline", "MienTestSupport"]),
        .testTarget(name: "MienAnalyticsTests", dependencies: ["MienAnalytics", "MienPipeline", "MienTestSupport"]),
        .testTarget(name: "MienCLITests", dependencies: ["mien", "MienJobs", "MienService", "MienServer", "MienPipeline", "MienMedia", "MienTestSupport"]),
        .testTarget(name: "MienJobsTests", dependencies: ["MienJobs", "MienTestSupport"]),
    ]
)

/// libFuzzer targets (Fuzz/README.md), only when `MIEN_FUZZ=1`: they need
/// `-sanitize=fuzzer`, which `scripts/fuzz.sh` passes, and an ordinary build
/// or test run never sees them.
if ProcessInfo.processInfo.environment["MIEN_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependency: Target.Dependency)] = [
        ("FuzzMedia", "MienMedia"), ("FuzzSafeTensors", "MienNN"),
        ("FuzzJob", "MienPipeline"), ("FuzzTimeline", "MienPipeline"),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"))
    for target in fuzzTargets {
        package.targets.append(.executableTarget(
            name: target.name, dependencies: [target.dependency, "FuzzDriver"], path: "Fuzz/\(target.name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
