//! `carerota scenario ...`: validate a scenario file, summarise it, generate one from an area.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use carerota::scenario::summary::Summary;
use carerota::scenario::{validate, Problem};

#[derive(Subcommand)]
pub enum ScenarioCommand {
    /// Check a scenario file against every rule; exit status 1 when it is invalid.
    Validate(ValidateArgs),
    /// Print what a valid scenario holds: visits by tier and discipline, staff by base.
    Summary {
        /// The scenario file (JSON).
        file: PathBuf,
    },
}

#[derive(Args)]
pub struct ValidateArgs {
    /// The scenario file (JSON).
    file: PathBuf,
    /// Print the problems as a JSON array of {code, path, message, hint}.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: ScenarioCommand) -> anyhow::Result<()> {
    match cmd {
        ScenarioCommand::Validate(args) => run_validate(&args),
        ScenarioCommand::Summary { file } => {
            let s = carerota::scenario::load(&file)?;
            print!("{}", Summary::of(&s));
            Ok(())
        }
    }
}

fn run_validate(args: &ValidateArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let problems = match validate::parse(&text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    report(&problems, args.json);
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "{} is invalid: {} problem(s)",
            args.file.display(),
            problems.len()
        )
    }
}

/// One problem in `--json` output, keys in the documented order.
#[derive(serde::Serialize)]
struct ProblemJson<'a> {
    code: &'a str,
    path: &'a str,
    message: &'a str,
    hint: &'a str,
}

fn report(problems: &[Problem], json: bool) {
    if json {
        let items: Vec<ProblemJson> = problems
            .iter()
            .map(|p| ProblemJson {
                code: p.code.as_str(),
                path: &p.path,
                message: &p.message,
                hint: p.hint,
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&items).expect("invariant: JSON values serialise")
        );
    } else if problems.is_empty() {
        println!("valid");
    } else {
        for p in problems {
            println!(
                "{}  {}\n    {}\n    hint: {}",
                p.code, p.path, p.message, p.hint
            );
        }
    }
}
