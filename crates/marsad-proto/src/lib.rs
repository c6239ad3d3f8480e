//! Generated tonic/prost code for the Marsad v1 API (`proto/marsad/v1`), its conversions to the
//! core model, and wire-compatible views of the messages the ingest relays.

/// The `marsad.v1` package.
pub mod v1 {
    #![allow(clippy::all, clippy::pedantic, missing_docs)]
    tonic::include_proto!("marsad.v1");
}

/// Encoded `FileDescriptorSet` of the API, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/marsad_descriptor.bin"));

pub mod convert;
pub mod relay;
