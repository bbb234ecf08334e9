//! The workspace's rules, as tests (`cargo test --workspace` runs them).
//!
//! Each rule here was written down once in `docs/ARCHITECTURE.md`; a rule that is only prose
//! drifts, so it is checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::gates;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent")
        .to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn toml_of(rel: &str) -> toml::Table {
    read(rel).parse().unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The library crates under `crates/`, by directory name.
fn library_crates() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("crates"))
        .expect("crates/ exists")
        .map(|e| {
            e.expect("readable dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Peers we compare against: they belong in `perfkit-benches`, never in a library crate.
const PEERS: &[&str] = &[
    "criterion",
    "zstd",
    "zstd-sys",
    "ruzstd",
    "dashmap",
    "bumpalo",
    "seqlock",
];

#[test]
fn every_crate_is_a_member_and_inherits_the_workspace() {
    let ws = toml_of("Cargo.toml");
    let members: BTreeSet<&str> = ws["workspace"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    let mut expected: BTreeSet<String> = library_crates()
        .iter()
        .map(|c| format!("crates/{c}"))
        .collect();
    expected.extend(["benches".to_owned(), "xtask".to_owned()]);
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(
        members, expected,
        "workspace members must be exactly crates/*, benches and xtask"
    );
    for m in &members {
        let manifest = toml_of(&format!("{m}/Cargo.toml"));
        let package = manifest["package"]
            .as_table()
            .unwrap_or_else(|| panic!("{m}: no [package]"));
        for key in ["edition", "rust-version", "license", "repository"] {
            assert_eq!(
                package
                    .get(key)
                    .and_then(|v| v.get("workspace"))
                    .and_then(toml::Value::as_bool),
                Some(true),
                "{m}: `{key}.workspace = true`"
            );
        }
        assert_eq!(
            manifest
                .get("lints")
                .and_then(|l| l.get("workspace"))
                .and_then(toml::Value::as_bool),
            Some(true),
            "{m}: `[lints] workspace = true`"
        );
    }
}

#[test]
fn dependencies_come_from_the_workspace_table() {
    let ws = toml_of("Cargo.toml");
    let declared = ws["workspace"]["dependencies"]
        .as_table()
        .expect("[workspace.dependencies]");
    let mut members: Vec<String> = library_crates()
        .iter()
        .map(|c| format!("crates/{c}"))
        .collect();
    members.extend(["benches".to_owned(), "xtask".to_owned()]);
    for m in &members {
        let manifest = toml_of(&format!("{m}/Cargo.toml"));
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get(section).and_then(toml::Value::as_table) else {
                continue;
            };
            for (name, spec) in deps {
                assert!(
                    spec.get("workspace").and_then(toml::Value::as_bool) == Some(true),
                    "{m}: [{section}] {name} must be `{{ workspace = true }}`"
                );
                assert!(
                    declared.contains_key(name),
                    "{m}: {name} is not in [workspace.dependencies]"
                );
            }
        }
    }
}

#[test]
fn library_crates_do_not_depend_on_peers() {
    for c in library_crates() {
        let manifest = toml_of(&format!("crates/{c}/Cargo.toml"));
        if let Some(deps) = manifest.get("dependencies").and_then(toml::Value::as_table) {
            for peer in PEERS {
                assert!(
                    !deps.contains_key(*peer),
                    "crates/{c} depends on the peer {peer}: it belongs in benches/"
                );
            }
        }
    }
}

#[test]
fn facade_has_one_default_feature_and_module_per_crate() {
    let manifest = toml_of("crates/perfkit/Cargo.toml");
    let defaults: BTreeSet<&str> = manifest["features"]["default"]
        .as_array()
        .expect("default features")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    let lib = read("crates/perfkit/src/lib.rs");
    for c in library_crates().iter().filter(|c| *c != "perfkit") {
        assert!(
            defaults.contains(c.as_str()),
            "the facade's default features lack {c}"
        );
        let dep = manifest["dependencies"]
            .get(c.as_str())
            .unwrap_or_else(|| panic!("facade lacks dependency {c}"));
        assert_eq!(
            dep.get("optional").and_then(toml::Value::as_bool),
            Some(true),
            "facade: {c} must be optional"
        );
        let module = c.replace('-', "_");
        assert!(
            lib.contains(&format!(
                "#[cfg(feature = \"{c}\")]\n#[doc(inline)]\npub use {module};"
            )),
            "crates/perfkit/src/lib.rs must re-export {module} behind feature {c}"
        );
    }
}

#[test]
fn every_crate_has_a_readme_and_crate_docs() {
    for c in library_crates() {
        let readme = root().join(format!("crates/{c}/README.md"));
        assert!(readme.is_file(), "crates/{c}/README.md is missing");
        let lib = read(&format!("crates/{c}/src/lib.rs"));
        assert!(
            lib.starts_with("//!"),
            "crates/{c}/src/lib.rs must open with crate docs"
        );
    }
}

#[test]
fn readme_gives_exactly_the_two_setup_commands() {
    let readme = read("README.md");
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block && line.trim_start().starts_with("cargo ") {
            commands.push(line.split('#').next().unwrap_or("").trim().to_owned());
        }
    }
    assert_eq!(commands, ["cargo xtask bench", "cargo test --workspace"]);
}

#[test]
fn toolchain_matches_rust_version() {
    let tc = toml_of("rust-toolchain.toml");
    let channel = tc["toolchain"]["channel"].as_str().expect("channel");
    let ws = toml_of("Cargo.toml");
    let rv = ws["workspace"]["package"]["rust-version"]
        .as_str()
        .expect("rust-version");
    assert!(
        channel.starts_with(rv),
        "toolchain {channel} vs rust-version {rv}"
    );
}

#[test]
fn gates_parse_and_appear_in_the_benchmark_docs() {
    let gates = gates::load(&root().join("benches/gates.toml")).expect("benches/gates.toml parses");
    let docs = read("docs/BENCHMARKS.md");
    for id in gates.ids() {
        let (suite, rest) = id.split_once('/').expect("ids are suite/name");
        assert!(
            docs.contains(&format!("`{rest}`")) && docs.contains(&format!("## {suite}")),
            "docs/BENCHMARKS.md does not show the gated benchmark {id}: paste the latest report"
        );
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let ci = read(".ci/run");
    for step in [
        "cargo fmt --all --check",
        "cargo clippy --workspace --all-targets -- -D warnings",
        "cargo test --workspace",
        "RUSTDOCFLAGS=\"-D warnings\" cargo doc --workspace --no-deps",
        "cargo xtask bench --smoke",
    ] {
        assert!(
            ci.lines().any(|l| l.trim() == step),
            ".ci/run lacks `{step}`"
        );
    }
}
