//! Compiles `proto/marsad/v1/*.proto` with protox (pure Rust, no system `protoc`) and hands the
//! file descriptors to tonic-prost-build.

use std::path::PathBuf;

use prost::Message;

const PROTOS: &[&str] = &[
    "marsad/v1/common.proto",
    "marsad/v1/extraction.proto",
    "marsad/v1/ingest.proto",
    "marsad/v1/storage.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read at run time: `env!` would bake in the directory the script was compiled in, and a
    // target directory shared by two checkouts reuses the script (it then read the other one's
    // protos, or failed once that checkout was gone).
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={}", root.join(proto).display());
    }
    let descriptors = protox::compile(PROTOS, [&root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("marsad_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
