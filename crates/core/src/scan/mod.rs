//! Sizing caches: a parallel walk that never follows symlinks and counts hard links once,
//! with a per-module-version breakdown of the module cache and an age histogram of the
//! build cache. (Being implemented.)
