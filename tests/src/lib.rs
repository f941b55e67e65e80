//! Fixture builder for Go Cache Doctor's tests and benchmarks (being written).
