import AtomicRDD
import Foundation

/// Start-up cost: from this process's launch to the result of
/// `parallelize([1, 2, 3]).map { $0 * 2 }.collect()`, in a fresh process.
struct TinyJobBenchmark: Benchmark {
    let name = "tiny-job"
    var runsInChildProcess: Bool { true }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let launchToMain = ProcessStats.secondsSinceLaunch()
        let (sc, startSeconds) = try await timed { try await Context(config: engineConfig) }
        let (result, jobSeconds) = try await timed { try await sc.parallelize([1, 2, 3]).map { $0 * 2 }.collect() }
        let launchToResult = ProcessStats.secondsSinceLaunch()
        let (_, warmSeconds) = try await timed { try await sc.parallelize([1, 2, 3]).map { $0 * 2 }.collect() }
        await sc.stop()
        var report = EngineReport(benchmark: name, quick: quick)
        if let launchToResult { report.time("process launch to first result, s", seconds: launchToResult, target: 0.05) }
        if let launchToMain { report.split("process launch to benchmark code, s", seconds: launchToMain) }
        report.split("Context init, s", seconds: startSeconds)
        report.split("first job, s", seconds: jobSeconds)
        report.split("second job, s", seconds: warmSeconds)
        report.check("result [2, 4, 6]", result == [2, 4, 6])
        return report.finished()
    }
}
