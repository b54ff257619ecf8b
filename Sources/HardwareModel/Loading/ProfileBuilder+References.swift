import EinsimCore
/// Reference and hierarchy checks: names that resolve, no duplicates across a system, and a
/// memory hierarchy in which every level and unit is connected to the outermost level.
extension ProfileBuilder {
    /// Gives levels and units without explicit connections the obvious ones: each level serves
    /// the next, and the innermost level serves the units nobody else feeds.
    func fillDefaultConnections(_ memories: inout [MemoryLevel], units: inout [ComputeUnit]) {
        guard !memories.isEmpty else { return }
        for index in memories.indices.dropLast() where memories[index].serves.isEmpty {
            memories[index].serves = [memories[index + 1].name]
        }
        let served = Set(memories.flatMap(\.serves))
        let orphans = units.filter { $0.servedBy.isEmpty && !served.contains($0.name) }.map(\.name)
        if let last = memories.indices.last, memories[last].serves.isEmpty {
            memories[last].serves = orphans
        }
    }

    /// Checks names and connections of the (flattened) profile built from `root`.
    mutating func checkReferences(_ profile: HardwareProfile, root: XMLElementNode, path: String) {
        let before = errors.count
        defer { blameOverride(since: before, root: root) }
        let elements = Self.namedElements(root, path: path)
        let unitNames = profile.computeUnits.map(\.name)
        let memoryNames = profile.memoryLevels.map(\.name)
        // Sets and an index keep the checks linear in the number of elements.
        let unitSet = Set(unitNames), memorySet = Set(memoryNames)
        var firstElement: [String: (element: XMLElementNode, path: String)] = [:]
        for entry in elements {
            guard let name = entry.element.attribute("name") else { continue }
            let key = entry.element.name + "|" + name
            if firstElement[key] == nil { firstElement[key] = entry }
        }
        let deviceNames = elements.filter { $0.element.name == "device" }.compactMap { $0.element.attribute("name") }
        // Duplicates across the whole system (within one file they were caught when reading).
        var seen = Set<String>()
        for entry in elements where ["unit", "memory", "device"].contains(entry.element.name) {
            guard let name = entry.element.attribute("name") else { continue }
            if !seen.insert(name).inserted {
                report(.duplicate(element: "the name '\(name)'"), entry.element, entry.path)
            }
        }
        func element(_ kind: String, _ name: String) -> (element: XMLElementNode, path: String)? {
            firstElement[kind + "|" + name]
        }
        for unit in profile.computeUnits {
            for reference in unit.servedBy where !memorySet.contains(reference) {
                if let entry = element("unit", unit.name) {
                    report(.unknownName(what: "memory level in servedBy", name: reference, candidates: memoryNames), entry.element, entry.path)
                }
            }
        }
        for level in profile.memoryLevels {
            for reference in level.serves where !memorySet.contains(reference) && !unitSet.contains(reference) {
                if let entry = element("memory", level.name) {
                    report(.unknownName(what: "unit or memory level in serves", name: reference, candidates: memoryNames + unitNames),
                           entry.element, entry.path + "/serves")
                }
            }
        }
        let endpoints = deviceNames + memoryNames + unitNames
        let endpointSet = Set(endpoints)
        for entry in elements where entry.element.name == "link" {
            for attribute in ["from", "to"] {
                if let name = entry.element.attribute(attribute), !endpointSet.contains(name) {
                    report(.unknownName(what: "link endpoint", name: name, candidates: endpoints), entry.element, entry.path)
                }
            }
        }
        // A level dropped for a bad value would show up as disconnected levels below it: the
        // hierarchy is checked once every element has been read.
        if errors.isEmpty { checkConnected(profile, elements: elements) }
    }

    /// Every memory level and unit must be reachable from the outermost level.
    private mutating func checkConnected(_ profile: HardwareProfile, elements: [(element: XMLElementNode, path: String)]) {
        guard let outermost = profile.mainMemory?.name else { return }
        // Directed edges: a level reaches what it serves, a memory reaches the units it feeds,
        // a device reaches its contents; links connect both ways.
        var edges: [String: Set<String>] = [:]
        func connect(_ from: String, _ to: String) { edges[from, default: []].insert(to) }
        for level in profile.memoryLevels { for name in level.serves { connect(level.name, name) } }
        for unit in profile.computeUnits { for name in unit.servedBy { connect(name, unit.name) } }
        func addLinks(_ links: [Link]) {
            for link in links { connect(link.from, link.to); connect(link.to, link.from) }
        }
        addLinks(profile.links)
        func addDevices(_ devices: [HardwareProfile]) {
            for device in devices {
                addLinks(device.links)
                for name in device.computeUnits.map(\.name) + device.memoryLevels.map(\.name) { connect(device.name, name) }
                addDevices(device.devices)
            }
        }
        addDevices(profile.devices)
        var reached: Set<String> = [outermost], frontier = [outermost]
        while let name = frontier.popLast() {
            for next in edges[name, default: []] where reached.insert(next).inserted { frontier.append(next) }
        }
        for entry in elements where entry.element.name == "memory" || entry.element.name == "unit" {
            guard let name = entry.element.attribute("name"), !reached.contains(name) else { continue }
            let what = entry.element.name == "memory" ? "memory level" : "unit"
            report(.disconnected(what: what, name: name, outermost: outermost), entry.element, entry.path)
        }
    }

    /// Every element under `root` with its path, depth first, in document order.
    static func namedElements(_ root: XMLElementNode, path: String) -> [(element: XMLElementNode, path: String)] {
        var result: [(element: XMLElementNode, path: String)] = []
        for child in root.children {
            let childPath = path + "/" + child.pathStep
            result.append((child, childPath))
            if child.name == "device" { result += namedElements(child, path: childPath) }
        }
        return result
    }

    /// A reference that breaks in an element inherited from another file was broken by the
    /// extending profile (it removed or renamed the target): the error is placed on the extending
    /// profile, naming the inherited element's own file and line.
    private mutating func blameOverride(since index: Int, root: XMLElementNode) {
        guard index < errors.count else { return }
        for i in index..<errors.count {
            guard let location = errors[i].location, location.file != root.file else { continue }
            errors[i].problem += " — in an element inherited from \(location); the extending profile removed or renamed what it refers to"
            errors[i].location = SourceLocation(file: root.file, line: root.line, column: 1)
        }
    }
}
