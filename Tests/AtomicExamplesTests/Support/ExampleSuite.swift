import Testing

/// Every example suite is nested here and runs one test at a time, so that the
/// examples' CPU-heavy jobs do not starve the timing-sensitive transport and
/// membership tests that run beside them on a 2-core machine.
@Suite(.serialized) enum ExampleSuite {}
