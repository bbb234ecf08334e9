use pools::{Arena, ArenaVec};
use proptest::prelude::*;

use crate::scale;

#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(align(64))]
struct Aligned64([u8; 3]);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Record {
    id: u32,
    price: u64,
    tag: [u8; 8],
}

#[test]
fn values_are_aligned_and_keep_their_values() {
    let arena = Arena::new();
    let a = arena.alloc(1u8);
    let b = arena.alloc(Aligned64([1, 2, 3]));
    let c = arena.alloc(0x1122_3344_5566_7788u64);
    let d = arena.alloc(Record {
        id: 7,
        price: 9,
        tag: *b"ABCDEFGH",
    });
    let z = arena.alloc(());
    assert_eq!((b as *const Aligned64 as usize) % 64, 0);
    assert_eq!((c as *const u64 as usize) % 8, 0);
    assert_eq!(
        (d as *const Record as usize) % std::mem::align_of::<Record>(),
        0
    );
    *a += 1;
    assert_eq!(
        (*a, *b, *c, *d, *z),
        (
            2,
            Aligned64([1, 2, 3]),
            0x1122_3344_5566_7788,
            Record {
                id: 7,
                price: 9,
                tag: *b"ABCDEFGH"
            },
            ()
        )
    );
}

#[test]
fn slices_and_strings() {
    let arena = Arena::new();
    let s = arena.alloc_str("héllo");
    s.make_ascii_uppercase();
    assert_eq!(&*s, "HéLLO");
    let xs = arena.alloc_slice_copy(&[1u16, 2, 3]);
    xs[0] = 10;
    assert_eq!(xs, &[10, 2, 3]);
    let ys = arena.alloc_slice_fill_with(5, |i| i as u32 * 3);
    assert_eq!(ys, &[0, 3, 6, 9, 12]);
    let empty: &mut [u64] = arena.alloc_slice_copy(&[]);
    assert!(empty.is_empty());
    assert_eq!(&*arena.alloc_str(""), "");
}

#[test]
fn chunks_grow_up_to_the_cap_and_reset_keeps_them_for_reuse() {
    let mut arena = Arena::with_capacity_and_max_chunk(0, 16 * 1024);
    assert_eq!(arena.chunk_bytes(), 0, "nothing allocated up front");
    let fill = |arena: &Arena| {
        for i in 0..scale(10_000, 300) {
            arena.alloc(i as u64);
        }
        // A value larger than the cap gets its own chunk.
        let big = arena.alloc_slice_fill_with(100_000, |i| i as u8);
        assert_eq!(big[99_999], (99_999 % 256) as u8);
    };
    fill(&arena);
    let n = scale(10_000, 300) * 8;
    let total = arena.chunk_bytes();
    assert!(total >= n + 100_000);
    assert!(
        total < n + 100_000 + 2 * 16 * 1024 + 4096,
        "chunks capped: {total}"
    );
    let peak_before = arena.allocated_bytes();
    assert!(peak_before >= n + 100_000);
    arena.reset();
    assert_eq!(arena.allocated_bytes(), 0);
    assert_eq!(arena.peak_bytes(), peak_before);
    assert_eq!(arena.chunk_bytes(), total, "reset frees no chunk");
    // The same work again refills the kept chunks in their first order: no new chunk.
    for _ in 0..3 {
        fill(&arena);
        assert_eq!(arena.allocated_bytes(), peak_before);
        assert_eq!(arena.chunk_bytes(), total, "refilled the kept chunks");
        arena.reset();
    }
    // More work than before takes new chunks beside the kept ones.
    fill(&arena);
    fill(&arena);
    assert!(arena.chunk_bytes() > total);
    // Shrinking after a reset keeps only the largest chunk, the one in use.
    arena.reset();
    arena.shrink_to_fit();
    let kept = arena.chunk_bytes();
    assert!(
        (100_000..total).contains(&kept),
        "kept the largest: {kept} of {total}"
    );
    for i in 0..1000u64 {
        arena.alloc(i);
    }
    assert_eq!(
        arena.chunk_bytes(),
        kept,
        "work that fits it allocates nothing"
    );
    // Shrinking before a reset frees nothing in use.
    for i in 0..scale(10_000, 300) {
        arena.alloc(i as u64);
    }
    let grown = arena.chunk_bytes();
    arena.shrink_to_fit();
    assert_eq!(arena.chunk_bytes(), grown);
}

#[test]
fn arena_vec_grows_in_place_and_by_copy() {
    let arena = Arena::new();
    let mut v = ArenaVec::new(&arena);
    for i in 0..100u32 {
        v.push(i);
    }
    let in_place_bytes = arena.allocated_bytes();
    assert!(
        in_place_bytes <= 128 * 4,
        "grew in place: {in_place_bytes} bytes used"
    );
    // Another allocation after it forces the next growth to copy.
    let other = arena.alloc(5u8);
    v.extend_from_slice(&[1; 100]);
    v.extend((0..50).map(|x| x * 2));
    assert_eq!(v.len(), 250);
    assert_eq!(v[99], 99);
    assert_eq!(v[249], 98);
    assert_eq!(v.pop(), Some(98));
    v.truncate(2);
    assert_eq!(&*v, &[0, 1]);
    assert_eq!(*other, 5);
    let s = v.into_slice();
    s[0] = 42;
    assert_eq!(s, &[42, 1]);
    let mut units = ArenaVec::new(&arena);
    units.push(());
    assert_eq!(units.len(), 1);
}

#[test]
fn an_arena_moves_to_another_thread() {
    let arena = Arena::new();
    arena.alloc(1u64);
    let arena = std::thread::spawn(move || {
        let x = arena.alloc(2u64);
        assert_eq!(*x, 2);
        arena
    })
    .join()
    .unwrap();
    assert_eq!(arena.allocated_bytes(), 16);
}

#[derive(Clone, Debug)]
enum Alloc {
    Bytes(Vec<u8>),
    Word(u64),
    Aligned(u8),
    Str(String),
    Slice(Vec<u32>),
}

fn alloc_strategy() -> impl Strategy<Value = Alloc> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(Alloc::Bytes),
        // Larger than the first chunks: a reused arena must skip kept chunks too small for it.
        // (One byte repeated: generating each byte would be slow under miri.)
        1 => (4000usize..9000, any::<u8>()).prop_map(|(n, b)| Alloc::Bytes(vec![b; n])),
        5 => any::<u64>().prop_map(Alloc::Word),
        5 => any::<u8>().prop_map(Alloc::Aligned),
        5 => "[a-zé€]{0,40}".prop_map(Alloc::Str),
        5 => proptest::collection::vec(any::<u32>(), 0..50).prop_map(Alloc::Slice),
    ]
}

/// A reference handed out by the arena, with the value it must keep.
enum Held<'a> {
    Bytes(&'a [u8], Vec<u8>),
    Word(&'a u64, u64),
    Aligned(&'a Aligned64, u8),
    Str(&'a str, String),
    Slice(&'a [u32], Vec<u32>),
}

impl Held<'_> {
    fn range(&self) -> (usize, usize) {
        let (p, n) = match self {
            Held::Bytes(r, _) => (r.as_ptr() as usize, r.len()),
            Held::Word(r, _) => (*r as *const u64 as usize, 8),
            Held::Aligned(r, _) => (*r as *const Aligned64 as usize, 64),
            Held::Str(r, _) => (r.as_ptr() as usize, r.len()),
            Held::Slice(r, _) => (r.as_ptr() as usize, r.len() * 4),
        };
        (p, p + n)
    }

    fn intact(&self) -> bool {
        match self {
            Held::Bytes(r, v) => *r == &v[..],
            Held::Word(r, v) => **r == *v,
            Held::Aligned(r, v) => {
                r.0 == [*v; 3] && (*r as *const Aligned64 as usize).is_multiple_of(64)
            }
            Held::Str(r, v) => *r == v,
            Held::Slice(r, v) => *r == &v[..] && (r.as_ptr() as usize).is_multiple_of(4),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 128 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random mixed allocations: every reference is aligned, keeps its value, and no two
    /// non-empty ones overlap; then a reset (the chunks kept and filled again), sometimes a
    /// shrink, and again.
    #[test]
    fn allocations_are_aligned_disjoint_and_intact(
        rounds in proptest::collection::vec(
            (proptest::collection::vec(alloc_strategy(), 0..60), any::<bool>()),
            1..5,
        ),
        max_chunk in 4096usize..20_000,
    ) {
        let mut arena = Arena::with_capacity_and_max_chunk(0, max_chunk);
        for (round, shrink) in rounds {
            {
                let arena = &arena;
                let held: Vec<Held<'_>> = round
                    .into_iter()
                    .map(|a| match a {
                        Alloc::Bytes(v) => Held::Bytes(arena.alloc_slice_copy(&v), v),
                        Alloc::Word(w) => Held::Word(arena.alloc(w), w),
                        Alloc::Aligned(b) => Held::Aligned(arena.alloc(Aligned64([b; 3])), b),
                        Alloc::Str(s) => Held::Str(arena.alloc_str(&s), s),
                        Alloc::Slice(v) => Held::Slice(arena.alloc_slice_fill_with(v.len(), |i| v[i]), v),
                    })
                    .collect();
                let mut ranges: Vec<_> = held.iter().map(Held::range).filter(|(a, b)| a < b).collect();
                ranges.sort_unstable();
                for w in ranges.windows(2) {
                    prop_assert!(w[0].1 <= w[1].0, "overlap: {:?}", w);
                }
                for h in &held {
                    prop_assert!(h.intact());
                }
                prop_assert!(arena.allocated_bytes() <= arena.chunk_bytes());
            }
            let held = arena.chunk_bytes();
            arena.reset();
            prop_assert_eq!(arena.allocated_bytes(), 0);
            prop_assert_eq!(arena.chunk_bytes(), held);
            if shrink {
                arena.shrink_to_fit();
                prop_assert!(arena.chunk_bytes() <= held);
            }
        }
    }
}
