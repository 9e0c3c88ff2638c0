//! The integration tests of ocrtidy-core, one test binary (each file of this folder a module).

mod attribution;
mod runner;
