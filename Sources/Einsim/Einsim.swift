@_exported import EinsimCore
@_exported import EinsumIR
@_exported import HardwareModel
@_exported import Workloads
@_exported import Mapper
@_exported import Simulator
@_exported import Reports
