//! Reading Go projects (go.mod, go.sum, go.work, vendor/modules.txt) to know which module
//! versions are still in use (issue #3). Being implemented.
