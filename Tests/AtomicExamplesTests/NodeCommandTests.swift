import Testing
@testable import atomic

extension ExampleSuite {
    /// `atomic node` refuses bad flags before it starts a node.
    @Suite struct NodeCommandTests {
        @Test(arguments: [["--listener-spares", "-1"], ["--listener-spares", "two"], ["--listener-spares"], ["--spares", "2"]])
        func a_bad_flag_ends_the_command_with_status_2(arguments: [String]) async {
            #expect(await NodeCommand.run(arguments) == 2)
        }
    }
}
