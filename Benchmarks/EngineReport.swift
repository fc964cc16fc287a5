import AtomicRDD
import Foundation

/// The configuration every engine workload runs with: two task slots and a
/// 256 MiB memory budget, so the 20M-record workloads must spill to stay in it.
/// For analysis, `ATOMIC_BENCH_MEMORY_MB` changes the budget (what does spilling
/// cost?) and `ATOMIC_BENCH_CORES` the task slots (how does a workload scale?).
let engineConfig = Config.local(cores: environmentInteger("ATOMIC_BENCH_CORES") ?? 2,
                                memory: (environmentInteger("ATOMIC_BENCH_MEMORY_MB") ?? 256) << 20)

/// The integer value of an environment variable, if it has one.
func environmentInteger(_ name: String) -> Int? {
    ProcessInfo.processInfo.environment[name].flatMap { Int($0) }
}

/// Seconds taken by `body`, with its result.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, (ContinuousClock.now - start).seconds)
}

/// Seconds taken by the synchronous `body`, with its result.
func clocked<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    return (value, (ContinuousClock.now - start).seconds)
}

/// The figures of one engine workload: its job time against its target, the
/// CPU time the job used, the CPU other processes used meanwhile (they lengthen
/// every time), the process's wall time since launch when the job ended,
/// correctness checks, other figures, and at the end the peak RSS. Targets
/// apply to the full scale only.
struct EngineReport {
    let benchmark: String
    let quick: Bool
    private(set) var results: [BenchmarkResult] = []

    init(benchmark: String, quick: Bool) {
        self.benchmark = benchmark
        self.quick = quick
    }

    /// Runs the job, recording its time (checked against `target` seconds), its
    /// CPU time, and the process's wall time since launch when it ended;
    /// returns its result and time.
    mutating func job<T>(target: Double?, metric: String = "job time, s (\(engineConfig.cores) cores)",
                         _ body: () async throws -> T) async rethrows -> (T, seconds: Double) {
        let cpuBefore = ProcessStats.cpuSeconds, machineBefore = ProcessStats.machineBusySeconds
        let (value, seconds) = try await timed(body)
        let cpu = ProcessStats.cpuSeconds.flatMap { after in cpuBefore.map { after - $0 } }
        let machine = ProcessStats.machineBusySeconds.flatMap { after in machineBefore.map { after - $0 } }
        let wall = ProcessStats.secondsSinceLaunch()
        time(metric, seconds: seconds, target: target)
        if let cpu { figure("job CPU time (user+sys), s", cpu, unit: "s") }
        if let cpu, let machine {
            // Clock ticks make this coarse for short jobs.
            let others = Swift.max(0, machine - cpu) / seconds
            results.append(BenchmarkResult(benchmark: benchmark, metric: "other processes' CPU during the job, cores",
                                           value: others, unit: "", status: others > 0.25 ? "busy: times inflated" : nil))
        }
        if let wall { figure("process wall time, launch to job end, s", wall, unit: "s") }
        return (value, seconds)
    }

    /// A time, checked against `target` seconds at full scale.
    mutating func time(_ metric: String, seconds: Double, target: Double?) {
        let applies = target != nil && !quick
        results.append(BenchmarkResult(
            benchmark: benchmark, metric: metric, value: seconds, unit: "s",
            target: applies ? "<= \(target!) s" : nil,
            status: applies ? (seconds <= target! ? "pass" : "miss") : nil))
    }

    /// The most of the Context's memory budget its jobs held at once.
    mutating func budgetPeak(of sc: Context) {
        figure("engine memory budget peak, MiB (of \(sc.config.executorMemory >> 20))",
               Double(sc.peakMemoryUsed) / 1_048_576, unit: "MiB")
    }

    /// True when `ATOMIC_BENCH_SPLITS=1`: workloads then also time their input
    /// stage alone (the records up to the shuffle, counted), so the job time
    /// splits into that stage and the rest (shuffle write, read and reduce).
    static var timesSplits: Bool { ProcessInfo.processInfo.environment["ATOMIC_BENCH_SPLITS"] == "1" }

    /// Times `stage` (a count of the records up to the shuffle) when splits are asked for.
    mutating func inputStage(_ description: String, jobSeconds: Double, _ stage: () async throws -> Int) async rethrows {
        guard Self.timesSplits else { return }
        let (records, seconds) = try await timed(stage)
        split("split: \(description) alone, s", seconds: seconds)
        figure("split: \(description), records per second", Double(records) / seconds, unit: "/s")
        split("split: the rest (shuffle, reduce, action), s", seconds: jobSeconds - seconds)
    }

    /// A part of the job, or a time outside it.
    mutating func split(_ metric: String, seconds: Double) {
        results.append(BenchmarkResult(benchmark: benchmark, metric: metric, value: seconds, unit: "s"))
    }

    /// A time beside a baseline measured in the same run; the ratio (time ÷
    /// baseline) is checked against `target` at full scale.
    mutating func ratio(_ metric: String, seconds: Double, baseline: Double, target: Double?) {
        let ratio = seconds / baseline
        let applies = target != nil && !quick
        results.append(BenchmarkResult(benchmark: benchmark, metric: metric, value: seconds, unit: "s", baseline: baseline,
                                       target: applies ? "ratio <= \(target!)" : nil,
                                       status: applies ? (ratio <= target! ? "pass" : "miss") : nil))
    }

    /// Any other figure.
    mutating func figure(_ metric: String, _ value: Double, unit: String) {
        results.append(BenchmarkResult(benchmark: benchmark, metric: metric, value: value, unit: unit))
    }

    /// A correctness check: "ok" or "WRONG" in the table; a wrong one is also printed.
    mutating func check(_ what: String, _ ok: Bool) {
        if !ok { print("\(benchmark): CHECK FAILED: \(what)") }
        results.append(BenchmarkResult(benchmark: benchmark, metric: "check: " + what, value: ok ? 1 : 0, unit: "",
                                       status: ok ? "ok" : "WRONG"))
    }

    /// The results, ending with the peak RSS (checked against `peakTarget`
    /// bytes at full scale).
    func finished(peakTarget: Int? = nil) -> [BenchmarkResult] {
        var all = results
        if let peak = ProcessStats.peakResidentBytes {
            let applies = peakTarget != nil && !quick
            all.append(BenchmarkResult(
                benchmark: benchmark, metric: "peak RSS (VmHWM), MiB", value: Double(peak) / 1_048_576, unit: "MiB",
                target: applies ? "<= \(peakTarget! >> 20) MiB" : nil,
                status: applies ? (peak <= peakTarget! ? "pass" : "miss") : nil))
        }
        return all
    }
}
