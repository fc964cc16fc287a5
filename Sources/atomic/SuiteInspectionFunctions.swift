import AtomicTransport
import AtomicRDD

/// Registered functions of the engine suite's tests that look inside executors
/// (cached blocks, broadcast copies): registered in the `atomic` executable so
/// worker processes run them too.
enum SuiteInspectionFunctions {
    /// Every function type of this list.
    static let all: [any RegisteredFunction.Type] = [KeyedByResidue.self, LookupOnExecutor.self, TableSizeOnExecutor.self]

    /// `x` → `("\(prefix)\(x mod modulus)", x)`.
    struct KeyedByResidue: MapFunction {
        static let name = "suite.keyedByResidue"
        var prefix: String
        var modulus: Int
        init(prefix: String, modulus: Int) {
            self.prefix = prefix
            self.modulus = modulus
        }
        func callAsFunction(_ x: Int) -> (String, Int) { ("\(prefix)\(x % modulus)", x) }
        func encode(to writer: inout WireWriter) { writer.write(prefix); writer.write(modulus) }
        init(from reader: inout WireReader) throws(WireError) {
            prefix = try reader.read()
            modulus = try reader.read()
        }
    }

    /// `x` → `(table[x], executor)`: the broadcast table's entry ("" when
    /// missing) and the executor the task runs on.
    struct LookupOnExecutor: MapFunction {
        static let name = "suite.lookupOnExecutor"
        var table: BroadcastHandle<[Int: String]>
        init(table: BroadcastHandle<[Int: String]>) { self.table = table }
        func callAsFunction(_ x: Int) throws -> (String, String) {
            (try table.value()[x] ?? "", TaskContext.current?.executorId ?? "")
        }
        func encode(to writer: inout WireWriter) { writer.write(table) }
        init(from reader: inout WireReader) throws(WireError) { table = try reader.read() }
    }

    /// `x` → `(table.count, executor)`: the broadcast table's size and the
    /// executor the task runs on.
    struct TableSizeOnExecutor: MapFunction {
        static let name = "suite.tableSizeOnExecutor"
        var table: BroadcastHandle<[Int: String]>
        init(table: BroadcastHandle<[Int: String]>) { self.table = table }
        func callAsFunction(_: Int) throws -> (Int, String) { (try table.value().count, TaskContext.current?.executorId ?? "") }
        func encode(to writer: inout WireWriter) { writer.write(table) }
        init(from reader: inout WireReader) throws(WireError) { table = try reader.read() }
    }
}
