import Foundation

/// One workload of the benchmark executable.
protocol Benchmark {
    /// Stable name, used to select it on the command line.
    var name: String { get }
    /// Runs the workload and its baselines; every result is measured in this run.
    func run(quick: Bool) async throws -> [BenchmarkResult]
    /// True for a workload that runs in a fresh child process of its own, so
    /// its peak RSS and process start-up time are its alone.
    var runsInChildProcess: Bool { get }
}

extension Benchmark {
    var runsInChildProcess: Bool { false }
}

/// One measured figure, printed as a JSON line and a table row.
struct BenchmarkResult: Codable {
    var benchmark: String
    var metric: String
    var value: Double
    var unit: String
    /// The raw baseline measured in the same run, when there is one.
    var baseline: Double?
    /// value / baseline.
    var ratio: Double?
    /// The target from the issue, for the table.
    var target: String?
    /// "pass" or "miss" when the value is checked against a target, or a check's outcome.
    var status: String?

    init(benchmark: String, metric: String, value: Double, unit: String, baseline: Double? = nil, target: String? = nil,
         status: String? = nil) {
        self.benchmark = benchmark
        self.metric = metric
        self.value = value
        self.unit = unit
        self.baseline = baseline
        self.ratio = baseline.map { value / $0 }
        self.target = target
        self.status = status
    }

    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// Prints a short human table of results.
func printTable(_ results: [BenchmarkResult]) {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func figure(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.3f", v) }
    print(pad("benchmark", 22) + pad("metric", 64) + pad("value", 16) + pad("raw baseline", 16) + pad("ratio", 8) + pad("target", 24) + "status")
    for r in results {
        print(pad(r.benchmark, 22) + pad(r.metric, 64) + pad(figure(r.value) + " " + r.unit, 16)
              + pad(r.baseline.map { figure($0) } ?? "-", 16) + pad(r.ratio.map { String(format: "%.2f", $0) } ?? "-", 8)
              + pad(r.target ?? "", 24) + (r.status ?? ""))
    }
}
