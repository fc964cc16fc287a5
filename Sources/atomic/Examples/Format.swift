import AtomicTransport
import Foundation

/// How the examples print numbers.
enum Format {
    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    /// A duration in seconds with three decimals: `1.234 s`.
    static func seconds(_ duration: Duration) -> String { String(format: "%.3f s", duration.seconds) }

    /// Bytes per duration in megabytes (10^6) per second: `95 MB/s`.
    static func rate(bytes: Int, in duration: Duration) -> String {
        String(format: "%.0f MB/s", Double(bytes) / 1e6 / Swift.max(duration.seconds, 1e-9))
    }

    /// A byte count in megabytes (10^6) with one decimal: `100.0 MB`.
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
