import AtomicRDD
import Foundation

// `atomic --worker …` is a worker of a driver (see Worker); anything else is the
// command line of AtomicCommand: word count in local mode by default.
let arguments = Array(CommandLine.arguments.dropFirst())
if let status = await Worker.main(arguments, registry: ClusterFunctions.registry) { exit(status) }
let exitCode = await AtomicCommand.run(arguments)
exit(exitCode)
