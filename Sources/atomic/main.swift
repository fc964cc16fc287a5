import Foundation

// `atomic [COMMAND] [FLAGS]`: word count in local mode by default; see AtomicCommand.
let arguments = Array(CommandLine.arguments.dropFirst())
let exitCode = await AtomicCommand.run(arguments)
exit(exitCode)
