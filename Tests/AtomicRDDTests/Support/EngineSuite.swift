import Testing

/// Every engine suite is nested here and runs one test at a time: engine tests
/// are CPU-heavy (each Context has its own task threads), and running dozens at
/// once on a 2-core machine starves the timing-sensitive transport and
/// membership tests that run beside them.
@Suite(.serialized) enum EngineSuite {}
