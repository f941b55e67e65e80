//! The one cross-crate integration-test binary.
