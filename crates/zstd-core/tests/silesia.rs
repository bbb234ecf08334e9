//! The Silesia files of `../shared/corpus/silesia` (compressed there with the reference zstd at
//! level 19): ours decodes them byte-exact, and decodes libzstd's level 1 and 3 frames of them.

use zstd_core::bulk::Decompressor;

use crate::support::{files, shared};

#[test]
fn silesia_round_trips_through_libzstd() {
    let Some(root) = shared("silesia") else {
        return;
    };
    let mut ours = Decompressor::new().unwrap();
    let mut count = 0;
    for f in files(&root.join("corpus/silesia")) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let level19 = std::fs::read(&f).unwrap();
        let original = zstd::stream::decode_all(&level19[..]).unwrap();
        let got = ours
            .decompress(&level19, original.len())
            .unwrap_or_else(|e| panic!("{name} (level 19): {e}"));
        assert!(got == original, "{name} (level 19): output differs");
        for level in [1, 3] {
            let frame = zstd::bulk::compress(&original, level).unwrap();
            let got = ours
                .decompress(&frame, original.len())
                .unwrap_or_else(|e| panic!("{name} level {level}: {e}"));
            assert!(got == original, "{name} level {level}: output differs");
        }
        count += 1;
    }
    eprintln!("silesia: {count} files decoded byte-exact at levels 1, 3 and 19");
    assert_eq!(count, 5);
}
