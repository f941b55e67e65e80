//! The one cross-crate integration-test binary.
mod clean_core;
mod discover;
mod fixture;
mod projects;
mod scan_build;
