//! The integration tests of ocrtidy-formats, one test binary (each file of this folder a module).

mod layout;
mod properties;
mod readers;
mod writeback;
