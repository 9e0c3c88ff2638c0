//! The `ocrtidy` command line: thin glue over the library crates.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
