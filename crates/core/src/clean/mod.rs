//! Cleaning Go's caches safely (issue #3). Being implemented.
