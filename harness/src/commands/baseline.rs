//! `harness baseline save|show`: named baselines per machine fingerprint,
//! `baselines/<fingerprint>/<name>.json`, written atomically.

use std::path::{Path, PathBuf};

use super::common::{Outcome, chosen_run, measurement_table, read_run_file};
use super::{BaselineAction, BaselineConfig};
use crate::history::write_atomic;
use crate::model::Run;
use crate::render::Document;

/// Where the baseline `name` of machine `fingerprint` lives.
pub fn baseline_path(dir: &Path, fingerprint: &str, name: &str) -> PathBuf {
    dir.join(fingerprint).join(format!("{name}.json"))
}

/// Reads a baseline file.
pub fn load_baseline(path: &Path) -> anyhow::Result<Run> {
    read_run_file(path)
}

/// Saves or shows.
pub fn baseline(c: &BaselineConfig) -> anyhow::Result<Outcome> {
    match c.action {
        BaselineAction::Save => {
            let run = chosen_run(c.run.as_deref(), &c.history, c.load)?;
            let path = baseline_path(&c.baselines, &run.machine.fingerprint(), &c.name);
            let mut text = serde_json::to_string_pretty(&run)?;
            text.push('\n');
            write_atomic(&path, text.as_bytes())?;
            Ok(Outcome::ok(format!(
                "saved run {} as baseline {:?} in {}\n",
                run.run_id,
                c.name,
                path.display()
            )))
        }
        BaselineAction::Show => {
            let fingerprint = crate::probe::machine().fingerprint();
            let path = baseline_path(&c.baselines, &fingerprint, &c.name);
            if !path.exists() {
                anyhow::bail!(
                    "{}: no baseline {:?} for this machine ({fingerprint})",
                    path.display(),
                    c.name
                );
            }
            let run = load_baseline(&path)?;
            Ok(Outcome::ok(
                c.format.renderer().render(&document(&run, &path)),
            ))
        }
    }
}

fn document(run: &Run, path: &Path) -> Document {
    let t = measurement_table(
        &format!(
            "Baseline {} (run {}, {})",
            path.display(),
            run.run_id,
            run.label()
        ),
        run,
    );
    Document {
        tables: vec![t],
        notes: Vec::new(),
        json: serde_json::to_value(run).unwrap_or_default(),
    }
}
