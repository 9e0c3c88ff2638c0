//! The integration tests of ocrtidy-normalize, one test binary (each file of this folder a module).

mod support;

mod opencc;
mod properties;
mod script;
