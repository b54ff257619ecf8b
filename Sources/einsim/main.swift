import EinsimCLI

EinsimCommand.main()
