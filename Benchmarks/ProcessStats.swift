import Foundation

/// Figures about this process from `/proc`: peak resident memory and the time
/// since the process started.
enum ProcessStats {
    /// The environment variable through which a parent passes the
    /// `systemUptime` it read just before launching this process.
    static let launchVariable = "ATOMIC_BENCH_LAUNCH_UPTIME"

    /// The process's peak resident set size in bytes (`VmHWM`), or nil off Linux.
    static var peakResidentBytes: Int? { statusField("VmHWM:") }

    /// The process's current resident set size in bytes (`VmRSS`), or nil off Linux.
    static var residentBytes: Int? { statusField("VmRSS:") }

    /// Seconds since the process was launched: measured from the parent's
    /// clock reading when the parent passed one (nanosecond resolution), else
    /// from the start time the kernel records (clock-tick resolution, 10 ms).
    static func secondsSinceLaunch() -> Double? {
        if let passed = ProcessInfo.processInfo.environment[launchVariable], let launch = Double(passed) {
            return ProcessInfo.processInfo.systemUptime - launch
        }
        return secondsSinceKernelStart()
    }

    /// Seconds since the kernel's start time of this process (`/proc/self/stat`
    /// field 22, in clock ticks since boot, against `/proc/uptime`).
    static func secondsSinceKernelStart() -> Double? {
        guard let fields = statFields(), let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let now = uptime.split(separator: " ").first.flatMap({ Double($0) }) else { return nil }
        // starttime is field 22.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        // Linux reports these in USER_HZ, which is 100 on every mainstream architecture.
        return now - ticks / 100
    }

    /// CPU seconds (user + system) this process has used so far, from
    /// `/proc/self/stat` (clock-tick resolution).
    static var cpuSeconds: Double? {
        guard let fields = statFields(), fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            return nil
        }
        return (user + system) / 100
    }

    /// CPU seconds every core of the machine has spent busy since boot, from
    /// the first line of `/proc/stat` (all but idle and iowait).
    static var machineBusySeconds: Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal ...
        return (ticks.reduce(0, +) - ticks[3] - ticks[4]) / 100
    }

    /// CPU seconds (user + system) process `pid` has used so far (clock-tick resolution).
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let fields = statFields("/proc/\(pid)/stat"), fields.count > 12, let user = Double(fields[11]),
              let system = Double(fields[12]) else { return nil }
        return (user + system) / 100
    }

    /// The fields of a `/proc/PID/stat` after the command name: index 0 is field 3 (state).
    private static func statFields(_ path: String = "/proc/self/stat") -> [Substring]? {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            // "VmHWM:	  123456 kB"
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
