//! The one cross-crate integration-test binary.
mod discover;
mod fixture;
