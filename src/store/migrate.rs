//! The schema's migrations, embedded in the binary and applied by sqlx's migrator (a table
//! `_sqlx_migrations` records what ran, with checksums). Each file in `migrations/` is plain
//! SQL that SQLite and PostgreSQL both run; a new change is a new file, never an edit.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::AnyPool;

/// (version, description, SQL), oldest first.
const MIGRATIONS: &[(i64, &str, &str)] = &[(1, "service", include_str!("migrations/0001_service.sql"))];

/// The embedded migrations as a source for sqlx's migrator.
#[derive(Debug)]
struct Embedded;

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        Box::pin(async {
            Ok(MIGRATIONS
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// Applies every migration not yet applied, each in its own transaction.
pub async fn run(pool: &AnyPool) -> Result<(), sqlx::migrate::MigrateError> {
    let migrator = Migrator::new(Embedded).await?;
    migrator.run(pool).await
}
