// swift-tools-version:6.0
import PackageDescription

/// Mien: batch facial-expression analysis of recorded video.
///
/// Module graph (arrows are imports):
///   CFFmpeg <- MienMedia <- mien
///   COpenBLAS <- MienNN <- MienFace <- mien (MienFace also uses MienMedia)
/// Only MienMedia imports CFFmpeg; only MienNN imports COpenBLAS.
let package = Package(
    name: "Mien",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mien", targets: ["mien"]),
        .library(name: "MienMedia", targets: ["MienMedia"]),
        .library(name: "MienNN", targets: ["MienNN"]),
        .library(name: "MienFace", targets: ["MienFace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .target(name: "MienMedia", dependencies: ["CFFmpeg"]),
        .target(name: "MienNN", dependencies: ["COpenBLAS"]),
        .target(name: "MienFace", dependencies: ["MienNN", "MienMedia"]),
        .executableTarget(
            name: "mien",
            dependencies: [
                "MienMedia",
                "MienNN",
                "MienFace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "MienTestSupport", path: "Tests/MienTestSupport"),
        .testTarget(name: "MienMediaTests", dependencies: ["MienMedia", "MienTestSupport"]),
        .testTarget(name: "MienNNTests", dependencies: ["MienNN"]),
        .testTarget(name: "MienFaceTests", dependencies: ["MienFace", "MienMedia", "MienTestSupport"]),
        .testTarget(name: "MienCLITests", dependencies: ["mien", "MienTestSupport"]),
    ]
)
