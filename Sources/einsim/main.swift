import EinsimCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(EinsimCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
