//! The integration tests of ocrtidy-layout, one test binary (each file of this folder a module).

mod cases;
mod props;
