//! The `classbook` binary: everything is in the library; see `cli::main`.

fn main() -> std::process::ExitCode {
    classbook::cli::main()
}
