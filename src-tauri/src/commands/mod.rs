//! The app's commands: thin wrappers that run `gocache-core` on a blocking thread.

pub mod about;
pub mod clean;
pub mod doctor;
pub mod env;
pub mod locks;
pub mod scan;
pub mod settings;
pub mod verify;
