import AtomicTransport
import Foundation

// Until the RDD engine lands, `atomic` runs a transport demo: two nodes on
// loopback, an authenticated handshake, and frames echoed both ways.
let arguments = Array(CommandLine.arguments.dropFirst())
let exitCode = await AtomicCommand.run(arguments)
exit(exitCode)
