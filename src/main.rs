//! The `carerota` command line: parses arguments, calls one library entry point per command,
//! prints or writes the result. All logic lives in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
