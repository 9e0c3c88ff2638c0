//! The integration tests of ocrtidy-formats, one test binary (each file of this folder a module).

mod layout;
mod page;
mod properties;
mod readers;
mod writeback;
