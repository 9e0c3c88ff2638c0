//! The integration tests of ocrtidy-noise, one test binary (each file of this folder a module).

mod duplicates;
mod properties;
