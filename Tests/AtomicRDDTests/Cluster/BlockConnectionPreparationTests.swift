import AtomicActors
import AtomicTransport
import Testing
@testable import AtomicRDD

/// Workers open their connections to each other's block servers ahead of the
/// first fetch, and a fetch then goes over the connection already open.
@Suite(.timeLimit(.minutes(1))) struct BlockConnectionPreparationTests {
    /// An in-process cluster of `workers`, its workers' runtimes, stopped after `body`.
    private func withCluster(workers: Int, _ body: (Context, [WorkerRuntime]) async throws -> Void) async throws {
        let sc = try await Context(config: .inProcessCluster(workers: workers, memoryPerWorker: 64 << 20, appName: "test"))
        do {
            let runtimes = try #require(sc.cluster?.inProcessRuntimes)
            try #require(runtimes.count == workers)
            try await body(sc, runtimes)
        } catch {
            await sc.stop()
            throw error
        }
        await sc.stop()
    }

    /// Returns once `system` counts every one of `nodes` among its members (which leave out itself).
    private func awaitMembers(_ nodes: Set<NodeIdentity>, of system: ClusterSystem) async {
        let events = system.membershipEvents()
        if nodes.isSubset(of: system.members) { return }
        for await _ in events where nodes.isSubset(of: system.members) { return }
    }

    @Test func aPreparedConnectionOpensWithoutAFetchAndTheNextFetchUsesIt() async throws {
        try await withCluster(workers: 2) { _, runtimes in
            let (client, server) = (runtimes[0], runtimes[1])
            let peer = server.system.identity
            let fromClient = { server.blockServer.connectionsAccepted(from: client.system.identity) }
            #expect(fromClient() == 0)
            client.blocks.prepare([peer])
            #expect(client.blocks.connectedNodes == [peer])
            let prepared = try #require(await client.blocks.openConnection(to: peer))
            #expect(!prepared.isFailed)
            // No such shuffle there: refused, over the prepared connection, which stays open.
            // (The server counts a connection before it answers on it.)
            await #expect(throws: BlockFetchError.self) {
                _ = try await client.blocks.fetch(BlockRequest(shuffleId: 9_999, mapIndex: 0, reduce: 0), from: peer)
            }
            #expect(fromClient() == 1)
            #expect(!prepared.isFailed)
            #expect(await client.blocks.openConnection(to: peer) === prepared)
            // Preparing again opens nothing new.
            client.blocks.prepare([peer])
            #expect(await client.blocks.openConnection(to: peer) === prepared)
            #expect(fromClient() == 1)
        }
    }

    @Test func aConnectionThatCannotBeOpenedIsForgottenAndAFetchTriesAgain() async throws {
        try await withCluster(workers: 1) { _, runtimes in
            let worker = runtimes[0]
            // The driver serves no blocks: asking it for its block server fails.
            worker.blocks.prepare([worker.driverNode])
            #expect(await worker.blocks.openConnection(to: worker.driverNode) == nil)
            #expect(worker.blocks.connectedNodes.isEmpty)
            await #expect(throws: (any Error).self) {
                _ = try await worker.blocks.fetch(BlockRequest(shuffleId: 0, mapIndex: 0, reduce: 0), from: worker.driverNode)
            }
            #expect(worker.blocks.connectedNodes.isEmpty)
        }
    }

    @Test func eachWorkerPreparesConnectionsToTheOtherWorkersOnlyAndJobsReuseThem() async throws {
        try await withCluster(workers: 3) { sc, runtimes in
            let workers = Set(runtimes.map(\.system.identity))
            for runtime in runtimes {
                let others = workers.subtracting([runtime.system.identity])
                await awaitMembers(others.union([runtime.driverNode]), of: runtime.system)
                runtime.prepareBlockConnections()
                #expect(runtime.blocks.connectedNodes == others)
            }
            for runtime in runtimes {
                for peer in runtime.blocks.connectedNodes {
                    #expect(await runtime.blocks.openConnection(to: peer) != nil, "\(runtime.system.identity) to \(peer)")
                    // Answered (refused) over it, so the serving side has counted the connection.
                    _ = try? await runtime.blocks.fetch(BlockRequest(shuffleId: 9_999, mapIndex: 0, reduce: 0), from: peer)
                }
            }
            for runtime in runtimes {
                let others = workers.subtracting([runtime.system.identity])
                #expect(others.map { runtime.blockServer.connectionsAccepted(from: $0) } == [1, 1], "\(runtime.system.identity)")
                #expect([runtime.system.identity, runtime.driverNode].map { runtime.blockServer.connectionsAccepted(from: $0) } == [0, 0])
            }
            // Reducers fetch over the connections opened above, and open no others.
            let sums = try await sc.parallelize((0..<3_000).map { ($0 % 7, 1) }, numPartitions: 6)
                .reduceByKey(numPartitions: 6) { $0 + $1 }.collect()
            #expect(Dictionary(uniqueKeysWithValues: sums) == Dictionary(uniqueKeysWithValues: (0..<7).map { ($0, $0 < 4 ? 429 : 428) }))
            for runtime in runtimes {
                let others = workers.subtracting([runtime.system.identity])
                #expect(others.map { runtime.blockServer.connectionsAccepted(from: $0) } == [1, 1], "\(runtime.system.identity)")
                #expect([runtime.system.identity, runtime.driverNode].map { runtime.blockServer.connectionsAccepted(from: $0) } == [0, 0])
            }
        }
    }
}
