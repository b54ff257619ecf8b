import EinsimCore

/// Builds a ``HardwareProfile`` from a resolved (merged) element tree, checking every value:
/// units of the right dimension, positive rates and sizes, fractions in (0, 1]. Collects every
/// problem it finds; the reference and hierarchy checks are in `ProfileBuilder+References.swift`.
struct ProfileBuilder {
    var errors: [ProfileError] = []
    /// A clock was given but rejected: times written in cycles cannot be converted, and saying so
    /// again for every inherited one would blame the parent for the clock's fault.
    private var clockRejected = false

    /// Builds the profile rooted at `root`; nil when a required part is missing or invalid.
    mutating func build(_ root: XMLElementNode) -> HardwareProfile? {
        let path = "/" + root.name
        guard var profile = target(root, path: path, inheritedClock: nil) else { return nil }
        checkReferences(profile, root: root, path: path)
        profile.provenance = root.attribute("source").map(Provenance.init)
        return errors.isEmpty ? profile : nil
    }

    // MARK: - Targets

    /// A profile or a device.
    private mutating func target(_ node: XMLElementNode, path: String, inheritedClock: Double?) -> HardwareProfile? {
        let name = node.attribute("name") ?? ""
        var kind: TargetKind?
        if let text = node.attribute("kind") {
            kind = TargetKind(rawValue: text)
        } else {
            report(.missing(element: "kind attribute", parent: node.name), node, path)
        }
        let ownClock = node.child("clock").flatMap { positive($0, .frequency, path: path, what: "the clock") }
        if node.child("clock") != nil, ownClock == nil { clockRejected = true }
        let devices = node.children(named: "device").compactMap { device in
            target(device, path: path + "/" + device.pathStep, inheritedClock: ownClock ?? inheritedClock)
        }
        let clock = ownClock ?? inheritedClock ?? devices.first?.clockHz
        if clock == nil, node.child("clock") == nil {
            report(.missing(element: "clock", parent: node.name), node, path)
        }
        let clockHz = clock ?? 0
        var processors = devices.reduce(0) { $0 + $1.processorCount }
        if let element = node.child("processors") {
            processors = count(element, path: path + "/processors", what: "the processor count") ?? 1
        } else {
            if kind == .gpu { report(.gpuWithoutProcessors(name: name), node, path) }
            if devices.isEmpty { processors = 1 }
        }
        let launch = node.child("launchOverhead").flatMap { nonNegative($0, .time, path: path, what: "the launch overhead", clock: clockHz) } ?? 0
        var power = PowerModel(
            idleWatts: devices.reduce(0) { $0 + $1.power.idleWatts },
            limitWatts: devices.reduce(0) { $0 + $1.power.limitWatts }
        )
        if let element = node.child("power") { power = powerModel(element, path: path + "/power") }

        var units: [ComputeUnit] = []
        var memories: [MemoryLevel] = []
        for child in node.children {
            let childPath = path + "/" + child.pathStep
            switch child.name {
            case "unit": if let unit = computeUnit(child, path: childPath) { units.append(unit) }
            case "memory": if let level = memoryLevel(child, path: childPath, clock: clockHz) { memories.append(level) }
            default: break
            }
        }
        fillDefaultConnections(&memories, units: &units)
        let dram = node.child("dram").flatMap { dramOrganization($0, path: path + "/dram") }
        let pim = node.child("pim").flatMap { pimOrganization($0, path: path + "/pim") }
        if let element = node.child("pim"), node.child("dram") == nil {
            report(.pimWithoutDRAM, element, path + "/pim")
        }
        if let element = node.child("pim") {
            checkCycleEngineFields(pim: element, dram: node.child("dram"), path: path)
        }
        let links = node.children(named: "link").compactMap { link($0, path: path + "/" + $0.pathStep, clock: clockHz) }
        guard let kind else { return nil }
        return HardwareProfile(
            name: name, summary: node.child("summary")?.text ?? "", kind: kind, clockHz: clockHz,
            computeUnits: units + devices.flatMap(\.computeUnits),
            memoryLevels: memories + devices.flatMap(\.memoryLevels),
            dram: dram ?? devices.lazy.compactMap(\.dram).first,
            pim: pim ?? devices.lazy.compactMap(\.pim).first,
            power: power, launchOverheadSeconds: launch, processorCount: max(processors, 1),
            devices: devices, links: links,
            provenance: node.attribute("source").map(Provenance.init),
            parameters: node.child("parameters").map { parameters($0, path: path + "/parameters") } ?? [:],
            location: Self.location(node), hasExplicitProcessorCount: node.child("processors") != nil
        )
    }

    /// The named parameters in `<parameters>`: each value is a plain number or a quantity of any
    /// dimension, in base SI units. Duplicate names were reported by the resolver (per file).
    private mutating func parameters(_ node: XMLElementNode, path: String) -> [String: ProfileParameter] {
        var result: [String: ProfileParameter] = [:]
        let groupSource = node.attribute("source")
        for child in node.children(named: "parameter") {
            guard let name = child.attribute("name"), child.attribute("remove") != "true", child.attribute("remove") != "1" else { continue }
            let childPath = path + "/" + child.pathStep
            let quantity: Quantity
            do {
                quantity = try Quantity.parse(child.text)
            } catch {
                report(.badQuantity(error), child, childPath)
                continue
            }
            guard quantity.value.isFinite else { report(.badQuantity(.notANumber(text: child.text, expected: .dimensionless)), child, childPath); continue }
            result[name] = ProfileParameter(
                name: name, value: quantity.value, text: child.text, dimension: quantity.dimension,
                provenance: (child.attribute("source") ?? groupSource).map(Provenance.init), location: Self.location(child)
            )
        }
        return result
    }

    /// Where `element` is (line and file; the tree keeps no columns).
    static func location(_ element: XMLElementNode) -> SourceLocation {
        SourceLocation(file: element.file, line: element.line, column: 1)
    }

    private mutating func powerModel(_ node: XMLElementNode, path: String) -> PowerModel {
        let idle = node.child("idle").flatMap { nonNegative($0, .power, path: path, what: "the idle power") } ?? 0
        let limit = node.child("limit").flatMap { positive($0, .power, path: path, what: "the power limit") } ?? 0
        if limit > 0, idle > limit, let element = node.child("idle") {
            report(.idleAboveLimit(idle: element.text, limit: node.child("limit")?.text ?? ""), element, path + "/idle")
        }
        return PowerModel(idleWatts: idle, limitWatts: limit, provenance: node.attribute("source").map(Provenance.init))
    }

    // MARK: - Compute units

    private mutating func computeUnit(_ node: XMLElementNode, path: String) -> ComputeUnit? {
        let name = node.attribute("name") ?? ""
        let kind: ComputeUnit.Kind
        switch node.attribute("kind") {
        case "matrix", "systolic": kind = .matrix
        case "vector", "simd": kind = .vector
        case "special-function": kind = .specialFunction
        case "pim-alu": kind = .pimALU
        default:
            report(.missing(element: "kind attribute", parent: "unit name='\(name)'"), node, path)
            return nil
        }
        let instances = integerAttribute(node, "count", path: path) ?? 1
        var operations = Set<CostClass>()
        if let element = node.child("operations") {
            for word in element.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," }) {
                if let costClass = CostClass(rawValue: String(word)) {
                    operations.insert(costClass)
                } else {
                    report(.unknownName(what: "operation", name: String(word), candidates: CostClass.allCases.map(\.rawValue)), element, path + "/operations")
                }
            }
        } else {
            operations = Self.defaultOperations(kind)
        }
        var throughput: [Throughput] = []
        var energy: [OperationEnergy] = []
        var issueCost: [CostClass: Double] = [:]
        let unitSource = node.attribute("source")
        for child in node.children {
            let childPath = path + "/" + child.pathStep
            let source = (child.attribute("source") ?? unitSource).map(Provenance.init)
            switch child.name {
            case "throughput":
                guard let precision = child.attribute("precision").flatMap(Precision.init(rawValue:)),
                      let rate = positive(child, .perCycle, path: childPath, what: "the throughput", isChildPath: false)
                else { continue }
                let fraction = achievedFraction(child, path: childPath)
                throughput.append(Throughput(precision: precision, path: child.attribute("path"), opsPerCycle: rate,
                                             achievedFraction: fraction, provenance: source))
            case "energy":
                guard let precision = child.attribute("precision").flatMap(Precision.init(rawValue:)),
                      let joules = nonNegative(child, .energy, path: childPath, what: "the energy per operation", isChildPath: false)
                else { continue }
                energy.append(OperationEnergy(operation: child.attribute("operation").flatMap(CostClass.init(rawValue:)),
                                              precision: precision, joules: joules, provenance: source,
                                              path: child.attribute("path")))
            case "issueCost":
                guard let operation = child.attribute("operation").flatMap(CostClass.init(rawValue:)),
                      let slots = positive(child, .dimensionless, path: childPath, what: "the issue cost", isChildPath: false)
                else { continue }
                issueCost[operation] = slots
            default: break
            }
        }
        if node.children(named: "throughput").isEmpty {
            report(.noThroughput(unit: name), node, path)
        }
        return ComputeUnit(
            name: name, kind: kind, count: instances,
            rows: integerAttribute(node, "rows", path: path), columns: integerAttribute(node, "columns", path: path),
            width: integerAttribute(node, "width", path: path), operations: operations, throughput: throughput,
            energy: energy, servedBy: Self.names(node.attribute("servedBy")), issueCost: issueCost
        )
    }

    /// Operations a unit of `kind` performs when the profile lists none.
    static func defaultOperations(_ kind: ComputeUnit.Kind) -> Set<CostClass> {
        switch kind {
        case .matrix, .pimALU: return [.matrixMAC]
        case .vector: return [.vectorAdd, .vectorMul, .vectorMax]
        case .specialFunction: return [.specialFunction, .divide]
        }
    }

    // MARK: - Memory

    private mutating func memoryLevel(_ node: XMLElementNode, path: String, clock: Double) -> MemoryLevel? {
        let name = node.attribute("name") ?? ""
        guard let capacityElement = node.child("capacity") else {
            report(.missing(element: "capacity", parent: "memory name='\(name)'"), node, path)
            return nil
        }
        guard let bandwidthElement = node.child("bandwidth") else {
            report(.missing(element: "bandwidth", parent: "memory name='\(name)'"), node, path)
            return nil
        }
        let capacity = positive(capacityElement, .bytes, path: path, what: "the capacity")
        let bandwidth = bandwidthValue(bandwidthElement, path: path + "/bandwidth", clock: clock)
        let instances = node.child("instances").flatMap { count($0, path: path + "/instances", what: "the number of instances") } ?? 1
        let banks = node.child("banks").flatMap { count($0, path: path + "/banks", what: "the number of banks") }
        let ports = node.child("ports").flatMap { count($0, path: path + "/ports", what: "the number of ports") }
        let accessBytes = node.child("accessWidth").flatMap { positive($0, .bytes, path: path, what: "the access width") }
        let read = node.child("readEnergy").flatMap { energyPerBit($0, path: path + "/readEnergy", accessBytes: accessBytes) } ?? 0
        let write = node.child("writeEnergy").flatMap { energyPerBit($0, path: path + "/writeEnergy", accessBytes: accessBytes) } ?? read
        let latency = node.child("latency").flatMap { nonNegative($0, .time, path: path, what: "the latency", clock: clock) } ?? 0
        guard let capacity, let bandwidth else { return nil }
        return MemoryLevel(
            name: name, capacityBytes: capacity, instances: instances, bandwidthBytesPerSecond: bandwidth,
            achievedFraction: achievedFraction(bandwidthElement, path: path + "/bandwidth"),
            banks: banks, ports: ports, readEnergyPerBit: read, writeEnergyPerBit: write, latencySeconds: latency,
            serves: Self.names(node.child("serves")?.text), provenance: node.attribute("source").map(Provenance.init)
        )
    }

    /// A bandwidth in B/s, or in B/cycle converted with the clock.
    private mutating func bandwidthValue(_ element: XMLElementNode, path: String, clock: Double) -> Double? {
        if element.text.hasSuffix("B/cycle") {
            guard let perCycle = positive(element, .perCycle, path: path, what: "the bandwidth", isChildPath: false) else { return nil }
            return perCycle * clock
        }
        return positive(element, .bandwidth, path: path, what: "the bandwidth", isChildPath: false)
    }

    /// An energy per bit, or an energy per access divided by the access width.
    private mutating func energyPerBit(_ element: XMLElementNode, path: String, accessBytes: Double?) -> Double? {
        do {
            let value = try Quantity.parse(element.text, as: .energyPerBit).value
            guard value >= 0 else { report(.negative(what: "the energy", text: element.text), element, path); return nil }
            return value
        } catch {
            if case .wrongDimension(_, .energy, _) = error, let accessBytes {
                return nonNegative(element, .energy, path: path, what: "the energy", isChildPath: false).map { $0 / (accessBytes * 8) }
            }
            if case .wrongDimension(_, .energy, _) = error {
                report(.missing(element: "accessWidth", parent: "memory (an energy per access needs it)"), element, path)
                return nil
            }
            report(.badQuantity(error), element, path)
            return nil
        }
    }

    // MARK: - DRAM and PIM

    private mutating func dramOrganization(_ node: XMLElementNode, path: String) -> DRAMOrganization? {
        func number(_ name: String, default value: Int? = nil) -> Int? {
            guard let element = node.child(name) else {
                if value == nil { report(.missing(element: name, parent: "dram"), node, path) }
                return value
            }
            return count(element, path: path + "/" + name, what: "<\(name)>")
        }
        let timingNode = node.child("timing")
        if timingNode == nil { report(.missing(element: "timing", parent: "dram"), node, path) }
        func cycles(_ name: String, required: Bool) -> Int {
            guard let timingNode, let text = timingNode.attribute(name) else {
                if required, let timingNode { report(.missing(element: "\(name) attribute", parent: "timing"), timingNode, path + "/timing") }
                return 0
            }
            guard let value = Int(text), value >= 0 else {
                report(.negative(what: name, text: text), timingNode, path + "/timing")
                return 0
            }
            if required, value == 0 { report(.notPositive(what: name, text: text), timingNode, path + "/timing") }
            return value
        }
        let timing = DRAMTiming(
            CL: cycles("CL", required: true), CWL: cycles("CWL", required: false),
            tRCD: cycles("tRCD", required: true), tRP: cycles("tRP", required: true), tRAS: cycles("tRAS", required: true),
            tCCD_S: cycles("tCCD_S", required: true), tCCD_L: cycles("tCCD_L", required: true),
            tRRD_S: cycles("tRRD_S", required: true), tRRD_L: cycles("tRRD_L", required: true),
            tFAW: cycles("tFAW", required: true), tWR: cycles("tWR", required: false),
            tRFC: cycles("tRFC", required: false), tREFI: cycles("tREFI", required: false),
            tRCDWR: cycles("tRCDWR", required: false),
            tWTR_S: cycles("tWTR_S", required: false), tWTR_L: cycles("tWTR_L", required: false),
            tRTP_S: cycles("tRTP_S", required: false), tRTP_L: cycles("tRTP_L", required: false),
            tCCD_WR_S: cycles("tCCD_WR_S", required: false), tCCD_WR_L: cycles("tCCD_WR_L", required: false)
        )
        func energy(_ name: String) -> Double {
            node.child(name).flatMap { nonNegative($0, .energy, path: path, what: "<\(name)>") } ?? 0
        }
        guard let channels = number("channels"), let ranks = number("ranks", default: 1),
              let bankGroups = number("bankGroups"), let banks = number("banksPerGroup"),
              let rows = number("rows"), let columns = number("columns"),
              let pseudoChannels = number("pseudoChannels", default: 1), let burst = number("burstLength"),
              let burstCycles = number("burstCycles", default: 0)
        else { return nil }
        guard let rowElement = node.child("rowSize"), let rowBytes = positive(rowElement, .bytes, path: path, what: "the row size"),
              let busElement = node.child("busWidth"), let busBytes = positive(busElement, .bytes, path: path, what: "the bus width"),
              let tckElement = node.child("tCK"), let tCK = positive(tckElement, .time, path: path, what: "tCK")
        else {
            for name in ["rowSize", "busWidth", "tCK"] where node.child(name) == nil {
                report(.missing(element: name, parent: "dram"), node, path)
            }
            return nil
        }
        let activate = energy("activateEnergy"), read = energy("readEnergy"), write = energy("writeEnergy")
        return DRAMOrganization(
            protocolName: node.attribute("protocol") ?? "", channels: channels, pseudoChannels: pseudoChannels,
            ranks: ranks, bankGroups: bankGroups, banksPerGroup: banks, rows: rows, columns: columns,
            rowBytes: rowBytes, busWidthBits: Int((busBytes * 8).rounded()), burstLength: burst,
            burstCycles: burstCycles, tCKSeconds: tCK,
            timing: timing, activateEnergy: activate, readEnergy: read, writeEnergy: write
        )
    }

    private mutating func pimOrganization(_ node: XMLElementNode, path: String) -> PIMOrganization? {
        guard let placement = node.attribute("placement").flatMap(PIMOrganization.Placement.init(rawValue:)) else {
            report(.missing(element: "placement attribute", parent: "pim"), node, path)
            return nil
        }
        func integer(_ name: String, default value: Int?) -> Int? {
            guard let element = node.child(name) else {
                if value == nil { report(.missing(element: name, parent: "pim"), node, path) }
                return value
            }
            return count(element, path: path + "/" + name, what: "<\(name)>", dimension: name == "compInterval" ? .cycles : .dimensionless)
        }
        func energy(_ name: String, _ dimension: Dimension) -> Double {
            node.child(name).flatMap { nonNegative($0, dimension, path: path, what: "<\(name)>") } ?? 0
        }
        var capFraction = 1.0
        if let element = node.child("powerCapFraction"), let value = positive(element, .dimensionless, path: path, what: "the power-cap fraction") {
            if value > 1 { report(.fractionOutOfRange(text: element.text), element, path + "/powerCapFraction") }
            capFraction = value
        }
        guard let macs = integer("macsPerUnit", default: nil), let banks = integer("banksPerUnit", default: 1),
              let buffers = integer("rowBuffers", default: 1), let interval = integer("compInterval", default: nil)
        else { return nil }
        let fill = integer("compPipelineFill", default: 0) ?? 0
        let gactBanks = integer("gactBanks", default: 0) ?? 0
        let gwriteBursts = integer("gwriteBursts", default: 0) ?? 0
        var organization = PIMOrganization(
            placement: placement, macsPerUnit: macs, banksPerUnit: banks, rowBuffersPerBank: buffers,
            compIntervalCycles: interval, compEnergy: energy("compEnergy", .energy), gactEnergy: energy("gactEnergy", .energy),
            energyPerBit: energy("energyPerBit", .energyPerBit), powerCapFraction: capFraction,
            readresEnergy: energy("readresEnergy", .energy), gwriteEnergy: energy("gwriteEnergy", .energy),
            compPipelineFill: fill, gactBanks: gactBanks, gwriteBursts: gwriteBursts
        )
        if let element = node.child("kvPlacement") {
            let text = String(element.text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            if let value = PIMOrganization.KVPlacement(rawValue: text) { organization.kvPlacement = value }
            else {
                report(.unknownName(what: "KV-cache placement", name: String(text.prefix(40)), candidates: PIMOrganization.KVPlacement.allCases.map(\.rawValue)),
                       element, path + "/kvPlacement")
            }
        }
        return organization
    }

    private mutating func link(_ node: XMLElementNode, path: String, clock: Double) -> Link? {
        guard let from = node.attribute("from"), let to = node.attribute("to") else { return nil }
        guard let element = node.child("bandwidth") else {
            report(.missing(element: "bandwidth", parent: "link"), node, path)
            return nil
        }
        guard let bandwidth = positive(element, .bandwidth, path: path, what: "the link bandwidth") else { return nil }
        let energy = node.child("energy").flatMap { nonNegative($0, .energyPerBit, path: path, what: "the link energy") } ?? 0
        let latency = node.child("latency").flatMap { nonNegative($0, .time, path: path, what: "the link latency", clock: clock) } ?? 0
        return Link(from: from, to: to, bandwidthBytesPerSecond: bandwidth, energyPerBit: energy, latencySeconds: latency)
    }

    // MARK: - Values

    /// A quantity of `dimension` in `element`'s text; cycles are accepted for times when a clock is known.
    private mutating func quantity(_ element: XMLElementNode, _ dimension: Dimension, path: String, clock: Double = 0) -> Double? {
        do {
            return try Quantity.parse(element.text, as: dimension).value
        } catch {
            if dimension == .time, case .wrongDimension(_, .cycles, _) = error,
               let cycles = try? Quantity.parse(element.text, as: .cycles).value {
                if clock > 0 { return cycles / clock }
                if clockRejected { return nil }   // the clock's own error says it all
            }
            report(.badQuantity(error), element, path)
            return nil
        }
    }

    /// `path` extended by `element`'s step unless the caller already did.
    private func elementPath(_ element: XMLElementNode, _ path: String, _ isChildPath: Bool) -> String {
        isChildPath ? path + "/" + element.pathStep : path
    }

    /// Physically plausible upper bounds per dimension: anything beyond is a typo, not a design.
    static func plausibleBound(_ dimension: Dimension) -> (value: Double, text: String)? {
        switch dimension {
        case .frequency: return (1e12, "1 THz")
        case .bandwidth: return (1e18, "1 EB/s")
        case .bytes: return (1e18, "1 EB")
        case .time: return (3600, "1 hour")
        case .energy: return (1, "1 J")
        case .energyPerBit: return (1e-6, "1 uJ/bit")
        case .power: return (1e7, "10 MW")
        case .cycles: return (1e9, "1e9 cycles")
        case .perCycle: return (1e12, "1e12 per cycle")
        case .dimensionless: return nil
        }
    }

    /// Physically plausible lower bounds of positive rates: a clock or bandwidth below these is a
    /// unit typo (`1e-300 TB/s`), which would otherwise give a latency of 10^295 s.
    static func plausibleMinimum(_ dimension: Dimension) -> (value: Double, text: String)? {
        switch dimension {
        case .frequency: return (1e3, "1 kHz")
        case .bandwidth: return (1e3, "1 kB/s")
        default: return nil
        }
    }

    mutating func positive(_ element: XMLElementNode, _ dimension: Dimension, path: String, what: String, clock: Double = 0, isChildPath: Bool = true) -> Double? {
        let fullPath = elementPath(element, path, isChildPath)
        guard let value = quantity(element, dimension, path: fullPath, clock: clock) else { return nil }
        guard value > 0 else { report(.notPositive(what: what, text: element.text), element, fullPath); return nil }
        if let minimum = Self.plausibleMinimum(dimension), value < minimum.value {
            report(.implausiblySmall(what: what, text: element.text, bound: minimum.text), element, fullPath); return nil
        }
        if let bound = Self.plausibleBound(dimension), !(value <= bound.value) {
            report(.implausible(what: what, text: element.text, bound: bound.text), element, fullPath); return nil
        }
        return value
    }

    mutating func nonNegative(_ element: XMLElementNode, _ dimension: Dimension, path: String, what: String, clock: Double = 0, isChildPath: Bool = true) -> Double? {
        let fullPath = elementPath(element, path, isChildPath)
        guard let value = quantity(element, dimension, path: fullPath, clock: clock) else { return nil }
        guard value >= 0 else { report(.negative(what: what, text: element.text), element, fullPath); return nil }
        if let bound = Self.plausibleBound(dimension), !(value <= bound.value) {
            report(.implausible(what: what, text: element.text, bound: bound.text), element, fullPath); return nil
        }
        return value
    }

    /// A positive whole number in `element`'s text (`path` is the element's own path).
    private mutating func count(_ element: XMLElementNode, path: String, what: String, dimension: Dimension = .dimensionless) -> Int? {
        guard let value = quantity(element, dimension, path: path) else { return nil }
        guard value == value.rounded() else { report(.notAnInteger(text: element.text), element, path); return nil }
        guard abs(value) < 1e15 else { report(.implausible(what: what, text: element.text, bound: "1e15"), element, path); return nil }
        guard value > 0 else { report(.notPositive(what: what, text: element.text), element, path); return nil }
        return Int(value)
    }

    /// A positive integer attribute (the schema has checked it is an integer).
    private mutating func integerAttribute(_ node: XMLElementNode, _ name: String, path: String) -> Int? {
        guard let text = node.attribute(name) else { return nil }
        guard let value = Int(text.trimmingWhitespace()) else { report(.notAnInteger(text: text), node, path); return nil }
        guard value > 0 else { report(.notPositive(what: "'\(name)'", text: text), node, path); return nil }
        return value
    }

    /// The `achievedFraction` attribute, 1 when absent; must be in (0, 1].
    private mutating func achievedFraction(_ node: XMLElementNode, path: String) -> Double {
        guard let text = node.attribute("achievedFraction") else { return 1 }
        guard let value = Double(text), value > 0, value <= 1 else {
            report(.fractionOutOfRange(text: text), node, path)
            return 1
        }
        return value
    }

    /// Names in a space-separated list.
    static func names(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
    }

    mutating func report(_ problem: ProfileProblem, _ element: XMLElementNode, _ path: String) {
        errors.append(ProfileError(problem, file: element.file, line: element.line, path: path))
    }
}
