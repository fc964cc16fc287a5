import Foundation

/// A mistake on the command line. `atomic` prints it with the command's usage
/// and exits with status 2.
struct UsageError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `'--top' needs a whole number, not 'ten'`.
    let message: String
    var description: String { message }
}

/// An integer flag an example accepts: `--name N`, with the values it allows.
struct IntegerFlag: Hashable, Sendable {
    /// The flag as typed, with its dashes: `--top`.
    let name: String
    /// What the flag's value is called in the usage line: `K`.
    let placeholder: String
    /// The values allowed.
    let range: ClosedRange<Int>

    /// `--cores N`: task slots of the local-mode Context.
    static let cores = IntegerFlag(name: "--cores", placeholder: "N", range: 1...4096)
    /// `--memory MB`: the memory budget of the local-mode Context, in MiB.
    static let memory = IntegerFlag(name: "--memory", placeholder: "MB", range: 16...(1 << 20))
}

/// An example's parsed command line: integer flags, and the words that are not flags.
///
/// ```swift
/// let arguments = try ExampleArguments(["corpus.txt", "--top", "5"], flags: [top], maxPositional: 1)
/// arguments.value(of: top)     // 5
/// arguments.positional         // ["corpus.txt"]
/// ```
struct ExampleArguments: Equatable {
    /// The words that are not flags or flag values, in order.
    let positional: [String]
    private let values: [String: Int]

    /// Parses `arguments` against `flags`.
    ///
    /// - Throws: ``UsageError`` for an unknown flag, a flag without a value, a
    ///   value that is not a whole number or is out of range, a flag given
    ///   twice, or more than `maxPositional` other words.
    init(_ arguments: [String], flags: [IntegerFlag], maxPositional: Int = 0) throws(UsageError) {
        let known = Dictionary(flags.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var positional: [String] = []
        var values: [String: Int] = [:]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1 else {
                guard positional.count < maxPositional else {
                    throw UsageError(message: maxPositional == 0 ? "unexpected argument '\(word)'"
                                                                 : "too many arguments: '\(word)'")
                }
                positional.append(word)
                continue
            }
            guard let flag = known[word] else { throw UsageError(message: "unknown flag '\(word)'") }
            guard values[flag.name] == nil else { throw UsageError(message: "'\(word)' is given twice") }
            guard index < arguments.count else { throw UsageError(message: "'\(word)' needs a value \(flag.placeholder)") }
            let text = arguments[index]
            index += 1
            guard let value = Int(text) else {
                throw UsageError(message: "'\(word)' needs a whole number, not '\(text)'")
            }
            guard flag.range.contains(value) else {
                throw UsageError(message: "'\(word)' must be from \(flag.range.lowerBound) to \(flag.range.upperBound), not \(value)")
            }
            values[flag.name] = value
        }
        self.positional = positional
        self.values = values
    }

    /// The value given for `flag`, or nil.
    func value(of flag: IntegerFlag) -> Int? { values[flag.name] }

    /// The value given for `flag`, or `defaultValue`.
    func value(of flag: IntegerFlag, default defaultValue: Int) -> Int { values[flag.name] ?? defaultValue }
}
