import AtomicRDD
import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct ExampleArgumentsTests {
        let top = IntegerFlag(name: "--top", placeholder: "K", range: 0...100)

        @Test func flags_and_positional_words_are_parsed_in_any_order() throws {
            let parsed = try ExampleArguments(["--top", "5", "corpus.txt", "--cores", "3"], flags: [top, .cores], maxPositional: 1)
            #expect(parsed.positional == ["corpus.txt"])
            #expect(parsed.value(of: top) == 5)
            #expect(parsed.value(of: .cores) == 3)
            #expect(parsed.value(of: .memory) == nil)
            #expect(parsed.value(of: .memory, default: 64) == 64)
        }

        @Test(arguments: [
            (["--top"], "'--top' needs a value K"),
            (["--top", "ten"], "'--top' needs a whole number, not 'ten'"),
            (["--top", "101"], "'--top' must be from 0 to 100, not 101"),
            (["--top", "-1"], "'--top' must be from 0 to 100, not -1"),
            (["--top", "1", "--top", "2"], "'--top' is given twice"),
            (["--frames", "2"], "unknown flag '--frames'"),
            (["a.txt", "b.txt"], "too many arguments: 'b.txt'"),
        ])
        func bad_command_lines_give_a_usage_error(arguments: [String], message: String) {
            #expect(throws: UsageError(message: message)) {
                try ExampleArguments(arguments, flags: [top], maxPositional: 1)
            }
        }

        @Test func an_example_without_positional_arguments_rejects_one() {
            #expect(throws: UsageError(message: "unexpected argument 'extra'")) {
                try PiExample.parse(["extra"])
            }
        }

        @Test func the_context_flags_set_cores_and_memory() throws {
            let config = try PiExample.config(try PiExample.parse(["--cores", "3", "--memory", "64"]))
            #expect(config.cores == 3)
            #expect(config.executorMemory == 64 << 20)
            #expect(config.deployment == .local)
        }

        @Test func mode_flags_select_a_local_cluster_or_workers_started_by_hand() throws {
            let (mode, rest) = PiExample.splitModeFlags(["--local-cluster", "2", "--samples", "10", "--memory", "64"])
            #expect(mode == ["--local-cluster", "2"])
            let config = try PiExample.config(try PiExample.parse(rest), modeFlags: mode)
            #expect(config.deployment == .localCluster(workers: 2, coresPerWorker: 1, memoryPerWorker: 64 << 20))
            #expect(config.cores == 2)
            var words = ["--workers", "10.0.0.1:7000,10.0.0.2:7000", "--driver-listen", "10.0.0.9:7077", "extra"]
            let cluster = try Config.local(cores: 2).withModeFlags(&words)
            #expect(cluster.deployment == .cluster(listen: "10.0.0.9:7077", workers: 2))
            #expect(cluster.expectedWorkers == ["10.0.0.1:7000", "10.0.0.2:7000"])
            #expect(words == ["extra"])
        }

        @Test(arguments: [["--local-cluster"], ["--local-cluster", "0"], ["--workers", "nohost"], ["--driver-listen", "x"],
                          ["--secret-file", "--local"], ["--local-cluster", "--secret-file", "s"]])
        func bad_mode_flags_are_typed_errors(words: [String]) {
            var arguments = words
            #expect(throws: EngineError.self) { _ = try Config.local().withModeFlags(&arguments) }
            #expect(arguments == words)
        }

        @Test(arguments: [
            ["wordcount", "--top", "x"],
            ["wordcount", "a.txt", "b.txt"],
            ["--partitions", "0"],
            ["pi", "--samples", "-5"],
            ["pi", "--partitions", "0"],
            ["sort", "--records"],
            ["group_by", "--people", "many"],
            ["join", "--users", "1", "--bogus", "2"],
            ["caching", "--cores", "0"],
            ["caching", "--memory", "1"],
            ["no-such-command"],
        ])
        func bad_flags_exit_with_status_2_before_any_job(arguments: [String]) async {
            #expect(await AtomicCommand.run(arguments) == 2)
        }

        @Test func help_exits_with_status_0() async {
            #expect(await AtomicCommand.run(["--help"]) == 0)
            #expect(await AtomicCommand.run(["sort", "--help"]) == 0)
        }

        @Test func every_example_has_a_distinct_name_and_the_first_is_word_count() {
            let names = AtomicCommand.examples.map(\.name)
            #expect(Set(names).count == names.count)
            #expect(names.first == "wordcount")
            #expect(names == ["wordcount", "pi", "sort", "group_by", "join", "caching"])
        }
    }
}
