//! The `engine` CLI (OWNER: cli). Stub.
fn main() {
    eprintln!("engine: not built yet");
    std::process::exit(2);
}
