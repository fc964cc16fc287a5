// swift-tools-version: 6.0
import PackageDescription

/// Atomic: a Spark-style distributed data-processing engine for Swift.
///
/// Layers (imports only point down):
/// atomic, Benchmarks -> AtomicStreaming, AtomicGraph -> AtomicRDD -> AtomicActors -> AtomicTransport.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    // Lets modules specialize the engine's generic operators for their own
    // element types: without it every record pays for generic metadata lookups.
    // Exclusivity is checked at compile time; the run-time checks cost an
    // access-set insert per captured variable touched in every record loop.
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Atomic",
    products: [
        .library(name: "AtomicTransport", targets: ["AtomicTransport"]),
        .library(name: "AtomicActors", targets: ["AtomicActors"]),
        .library(name: "AtomicRDD", targets: ["AtomicRDD"]),
        .library(name: "AtomicStreaming", targets: ["AtomicStreaming"]),
        .library(name: "AtomicGraph", targets: ["AtomicGraph"]),
        .executable(name: "atomic", targets: ["atomic"]),
        .executable(name: "atomic-bench", targets: ["AtomicBenchmarks"]),
    ],
    targets: [
        // epoll, eventfd and accept4 are not exported by Swift's Glibc module; a prefetch has no Swift spelling.
        .target(name: "CAtomicSystem"),
        .target(name: "AtomicTransport", dependencies: ["CAtomicSystem"], swiftSettings: strict),
        .target(name: "AtomicActors", dependencies: ["AtomicTransport"], swiftSettings: strict),
        // CAtomicSystem for its prefetch alone (map-side combining).
        .target(name: "AtomicRDD", dependencies: ["AtomicActors", "CAtomicSystem"], swiftSettings: strict),
        // Several nodes in one process, with faults, for the tests of every layer above the transport.
        .target(name: "AtomicClusterTesting", dependencies: ["AtomicActors"], swiftSettings: strict),
        .target(name: "AtomicStreaming", dependencies: ["AtomicRDD"], swiftSettings: strict),
        .target(name: "AtomicGraph", dependencies: ["AtomicRDD"], swiftSettings: strict),
        .executableTarget(
            name: "atomic",
            dependencies: ["AtomicTransport", "AtomicActors", "AtomicRDD", "AtomicStreaming", "AtomicGraph"],
            swiftSettings: strict),
        .executableTarget(
            name: "AtomicBenchmarks",
            dependencies: ["AtomicTransport", "AtomicActors", "AtomicRDD"],
            path: "Benchmarks",
            swiftSettings: strict),
        .testTarget(name: "AtomicTransportTests", dependencies: ["AtomicTransport"], swiftSettings: strict),
        // The engine suite; its placement on worker processes runs the `atomic` executable's workers.
        .testTarget(name: "AtomicRDDTests", dependencies: ["AtomicRDD", "AtomicClusterTesting", "atomic"], swiftSettings: strict),
        .testTarget(name: "AtomicActorsTests", dependencies: ["AtomicActors", "AtomicClusterTesting", "atomic"], swiftSettings: strict),
        // The example jobs of the `atomic` executable, run on small inputs.
        .testTarget(name: "AtomicExamplesTests", dependencies: ["atomic", "AtomicRDD", "AtomicClusterTesting"], swiftSettings: strict),
    ]
)
