//! `gocache-doctor`: the headless command line over `gocache-core`.
fn main() {}
