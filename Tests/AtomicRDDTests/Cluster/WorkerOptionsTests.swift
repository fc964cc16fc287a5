import Testing
@testable import AtomicRDD

@Suite struct WorkerOptionsTests {
    @Test func memoryIsMebibytesOrASizeWithAUnit() throws {
        func memory(_ text: String) throws -> Int {
            try Worker.Options(parsing: ["--driver", "127.0.0.1:7077", "--memory", text]).memoryBytes
        }
        #expect(try memory("64") == 64 << 20)
        #expect(try memory("64k") == 64 << 10)
        #expect(try memory("512M") == 512 << 20)
        #expect(try memory("2g") == 2 << 30)
        #expect(try memory("65536b") == 65536)
        #expect(try memory("8589934592b") == 8 << 30)
        #expect(try memory("16g") == 16 << 30)
        #expect(throws: EngineError.self) { try memory("9999999999999g") }
        for bad in ["0", "-1", "k", "12x", "1.5g", ""] {
            #expect(throws: EngineError.self, "'\(bad)'") { try memory(bad) }
        }
        #expect(try Worker.Options(parsing: ["--driver", "127.0.0.1:7077"]).memoryBytes == 1 << 30)
    }

    @Test func cores_are_a_positive_count_up_to_a_bound() throws {
        func cores(_ text: String) throws -> Int {
            try Worker.Options(parsing: ["--driver", "127.0.0.1:7077", "--cores", text]).cores
        }
        #expect(try cores("3") == 3)
        #expect(try cores("\(Worker.Options.maxCores)") == Worker.Options.maxCores)
        for bad in ["0", "-2", "\(Worker.Options.maxCores + 1)", "1000000", "\(Int.max)", "x"] {
            #expect(throws: EngineError.self, "'\(bad)'") { try cores(bad) }
        }
    }

    @Test func the_warm_reserve_is_a_size_or_zero_up_to_the_memory_and_by_default_64_MiB_at_most_half_of_it() throws {
        func reserve(_ flags: [String]) throws -> Int {
            try Worker.Options(parsing: ["--driver", "127.0.0.1:7077"] + flags).warmReserveBytes
        }
        #expect(try reserve([]) == 64 << 20)
        #expect(try reserve(["--memory", "128m"]) == 64 << 20)
        #expect(try reserve(["--memory", "16m"]) == 8 << 20)
        #expect(try reserve(["--warm-reserve", "0"]) == 0)
        #expect(try reserve(["--warm-reserve", "0k"]) == 0)
        #expect(try reserve(["--warm-reserve", "12m", "--memory", "16m"]) == 12 << 20)
        #expect(try reserve(["--warm-reserve", "100"]) == 100 << 20)
        for bad in ["-1", "x", "12q"] {
            #expect(throws: EngineError.self, "'\(bad)'") { try reserve(["--warm-reserve", bad]) }
        }
        // No more than the worker's memory, whichever flag comes first.
        #expect(throws: EngineError.self) { try reserve(["--warm-reserve", "32m", "--memory", "16m"]) }
        #expect(throws: EngineError.self) { try reserve(["--memory", "1g", "--warm-reserve", "64000"]) }
    }

    @Test func a_flag_is_not_taken_as_the_value_of_the_flag_before_it() {
        #expect(throws: EngineError.self) {
            try Worker.Options(parsing: ["--driver", "127.0.0.1:7077", "--secret-file", "--cores", "2"])
        }
        #expect(throws: EngineError.self) { try Worker.Options(parsing: ["--driver", "--listen", "127.0.0.1:0"]) }
    }
}
