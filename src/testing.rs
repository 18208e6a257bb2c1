//! Helpers of the unit tests.

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A proptest runner of `cases` cases whose seed is printed, and replayed from
/// `MCPREG_TEST_SEED` when set. Failures are not persisted: a regressions folder
/// would land in src/.
pub fn seeded_runner(what: &str, cases: u32) -> TestRunner {
    let seed = std::env::var("MCPREG_TEST_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            use std::hash::{BuildHasher, RandomState};
            RandomState::new().hash_one(std::process::id())
        });
    eprintln!("{what}: proptest seed {seed} (replay with MCPREG_TEST_SEED={seed})");
    let bytes: Vec<u8> = seed.to_le_bytes().repeat(4);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}
