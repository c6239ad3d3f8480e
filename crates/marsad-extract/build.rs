//! Makes the gazetteer optional at build time: `data/gazetteer.tsv` is compiled in when present,
//! an empty table (header only) otherwise.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=data/gazetteer.tsv");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let target = Path::new(&out).join("gazetteer.tsv");
    let source = Path::new("data/gazetteer.tsv");
    let content = std::fs::read_to_string(source).unwrap_or_else(|_| {
        "id\tkind\tname\tcountry\tadmin1\tlat\tlon\tpopulation\tnames_en\tnames_ar\n".to_owned()
    });
    std::fs::write(target, content).expect("OUT_DIR is writable");
}
