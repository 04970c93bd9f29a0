//! `carerota serve`: the optimisation service; `carerota keys add`: an API key for it.
//! The service is the library's ([`carerota::api`]); this keeps the arguments.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use carerota::api::areas::{self, AreaEntry, DEFAULT_AREA};
use carerota::api::state::PoolSize;
use carerota::api::{self, ServeConfig};
use carerota::store::{Role, Store};

use crate::cli::graph::default_osm;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Database: postgres://USER@HOST/DB for shared deployments [default: sqlite://DATA/carerota.db].
    #[arg(long, env = "CAREROTA_DB")]
    db: Option<String>,
    /// Areas file (TOML: [[area]] name, osm) [default: the Rutland extract as area `rutland`].
    #[arg(long)]
    areas: Option<PathBuf>,
    /// Data folder: the SQLite file and the road cache.
    #[arg(long, env = "CAREROTA_DATA", default_value = "carerota-data")]
    data: PathBuf,
    /// A folder of extra solver profiles (*.toml) beside the built-in default and quick.
    #[arg(long)]
    profiles: Option<PathBuf>,
    /// Job workers (solves running at once) [default: cores - 1, at least 1].
    #[arg(long)]
    workers: Option<usize>,
    /// Synchronous solver calls at once before 429 [default: 2 per core].
    #[arg(long)]
    sync_slots: Option<usize>,
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Make an API key; it is printed once (only its hash is stored).
    Add {
        /// manager, scheduler, commissioner or admin.
        #[arg(long)]
        role: Role,
        /// Who or what the key is for.
        #[arg(long, default_value = "cli")]
        label: String,
        /// Database [default: sqlite://DATA/carerota.db].
        #[arg(long, env = "CAREROTA_DB")]
        db: Option<String>,
        /// Data folder of the default SQLite database.
        #[arg(long, env = "CAREROTA_DATA", default_value = "carerota-data")]
        data: PathBuf,
    },
}

pub fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let entries = match &args.areas {
        Some(path) => areas::read(path)?,
        None => vec![AreaEntry {
            name: DEFAULT_AREA.to_string(),
            osm: default_osm(),
        }],
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut pool = PoolSize::for_cores(cores);
    if let Some(w) = args.workers {
        anyhow::ensure!((1..=64).contains(&w), "--workers must be 1 to 64");
        pool.jobs = w;
    }
    if let Some(s) = args.sync_slots {
        anyhow::ensure!((1..=256).contains(&s), "--sync-slots must be 1 to 256");
        pool.sync = s;
    }
    api::serve(ServeConfig {
        bind: args.bind.clone(),
        db: args.db.clone(),
        areas: entries,
        data_dir: args.data.clone(),
        profiles_dir: args.profiles.clone(),
        pool,
        http_workers: cores,
    })?;
    Ok(())
}

pub fn keys(cmd: &KeysCommand) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::Add { role, label, db, data } => {
            if db.is_none() {
                std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
            }
            let url = api::database_url(db.as_deref(), data);
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let key = rt.block_on(async {
                let store = Store::open(&url, 1).await?;
                let key = store.add_key(*role, label).await;
                store.close().await;
                key
            })?;
            eprintln!(
                "key {} ({}, {}): shown once; send it as `Authorization: Bearer KEY`",
                key.record.id,
                key.record.role.as_str(),
                key.record.label
            );
            println!("{}", key.secret);
            Ok(())
        }
    }
}
