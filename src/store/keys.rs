//! API keys: a role each, the secret shown once and stored as its SHA-256.
//!
//! A key reads `crk_` followed by 32 hex digits (128 random bits from the operating system's
//! generator through `rand`); requests carry it as `Authorization: Bearer KEY`.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{insert_audit, new_id, now_ms, AuditEntry, Store, StoreError};

/// What a key may do; the service's table of routes by role is in the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Scenarios, plans, rotas.
    Manager,
    /// Plans and re-planning.
    Scheduler,
    /// Base studies; reads plans.
    Commissioner,
    /// API keys.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Manager, Role::Scheduler, Role::Commissioner, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Scheduler => "scheduler",
            Role::Commissioner => "commissioner",
            Role::Admin => "admin",
        }
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown role {0:?}: expected manager, scheduler, commissioner or admin")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A key as the store knows it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    pub id: String,
    pub role: Role,
    pub label: String,
}

/// A key just made: the only time its secret exists outside the caller.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub record: KeyRecord,
    pub secret: String,
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Makes a key with `role`; its secret is returned once and stored only as a hash.
    pub async fn add_key(&self, role: Role, label: &str) -> Result<NewKey, StoreError> {
        self.insert_key(role, label, None).await
    }

    /// Makes a key with the audit line of who made it, in one transaction: a process killed
    /// at any point leaves both or neither. The line's `target` is the new key's id, whatever
    /// `audit.target` says.
    pub async fn add_key_audited(&self, role: Role, label: &str, audit: &AuditEntry) -> Result<NewKey, StoreError> {
        self.insert_key(role, label, Some(audit)).await
    }

    async fn insert_key(&self, role: Role, label: &str, audit: Option<&AuditEntry>) -> Result<NewKey, StoreError> {
        let bits: u128 = rand::random();
        let secret = format!("crk_{bits:032x}");
        let record = KeyRecord {
            id: new_id("key"),
            role,
            label: label.to_string(),
        };
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO api_keys (id, hash, role, label, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&record.id)
            .bind(hash(&secret))
            .bind(role.as_str())
            .bind(label)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        if let Some(entry) = audit {
            insert_audit(&mut tx, &entry.about(&record.id)).await?;
        }
        tx.commit().await?;
        Ok(NewKey { record, secret })
    }

    /// The live key whose secret is `secret`, if any.
    pub async fn key_by_secret(&self, secret: &str) -> Result<Option<KeyRecord>, StoreError> {
        let row = sqlx::query("SELECT id, role, label FROM api_keys WHERE hash = $1 AND revoked_at IS NULL")
            .bind(hash(secret))
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            let role: String = r.try_get("role")?;
            Ok(KeyRecord {
                id: r.try_get("id")?,
                role: role.parse().map_err(|e: UnknownRole| StoreError::Corrupt {
                    what: "api key".into(),
                    detail: e.to_string(),
                })?,
                label: r.try_get("label")?,
            })
        })
        .transpose()
    }

    /// Revokes a key; false when there is no live key with that id.
    pub async fn revoke_key(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_found_by_its_secret_only_while_live() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&format!("sqlite://{}", dir.path().join("k.db").display()), 2)
                .await
                .unwrap();
            let key = store.add_key(Role::Scheduler, "desk").await.unwrap();
            assert!(key.secret.starts_with("crk_") && key.secret.len() == 36);
            assert_eq!(
                store.key_by_secret(&key.secret).await.unwrap(),
                Some(key.record.clone())
            );
            assert_eq!(store.key_by_secret("crk_wrong").await.unwrap(), None);
            assert!(store.revoke_key(&key.record.id).await.unwrap());
            assert_eq!(store.key_by_secret(&key.secret).await.unwrap(), None);
        });
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
