//! Files written whole or not at all: every command that writes files goes through here.
//!
//! A file is first written to a temporary file in its target folder (`.carerota-XXXXXX`), flushed
//! to disk, and renamed over the target only when complete. A run that fails, is refused or is
//! interrupted before the rename leaves any earlier file exactly as it was (an interrupted run
//! may leave a `.carerota-*` file beside it, never a half-written target). Several files of one
//! result ([`write_all`]) are all staged before the first rename.
//!
//! Commands check their output locations with [`check_file`] / [`prepare_dir`] before the long
//! steps, so a bad path fails in a second rather than after a solve.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The folder a file path writes into (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// A temporary file in `dir`, readable as a file written with `std::fs::write` would be (the
/// umask decides), removed when dropped unless persisted.
fn staging_file(dir: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(".carerota-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
        .with_context(|| format!("cannot write in the output folder {}", dir.display()))
}

/// Creates `dir` when missing and checks a file can be written in it.
pub fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    staging_file(dir)?;
    Ok(())
}

/// Checks that `path` can be written (its folder exists and takes a new file, and `path` is
/// not a folder), without touching `path` itself.
pub fn check_file(path: &Path) -> anyhow::Result<()> {
    if path.is_dir() {
        anyhow::bail!("cannot write {}: it is a folder", path.display());
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    staging_file(dir).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A file staged beside its target, renamed into place by [`Staged::commit`].
pub struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// An empty staging file for `target`, in `target`'s folder.
    pub fn new(target: &Path) -> anyhow::Result<Self> {
        check_file(target)?;
        Ok(Self {
            file: staging_file(folder_of(target))?,
            target: target.to_path_buf(),
        })
    }

    /// `target` staged with `bytes` as its content.
    pub fn with_bytes(target: &Path, bytes: &[u8]) -> anyhow::Result<Self> {
        let mut staged = Self::new(target)?;
        staged
            .file
            .write_all(bytes)
            .with_context(|| format!("writing {}", target.display()))?;
        Ok(staged)
    }

    /// Where the content goes before the rename, for writers that take a path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Flushes the staged content to disk and renames it over the target.
    pub fn commit(self) -> anyhow::Result<()> {
        let Staged { file, target } = self;
        file.as_file()
            .sync_all()
            .with_context(|| format!("writing {}", target.display()))?;
        file.persist(&target)
            .with_context(|| format!("replacing {}", target.display()))?;
        Ok(())
    }
}

/// Writes `bytes` to `path` whole or not at all.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    Staged::with_bytes(path, bytes.as_ref())?.commit()
}

/// Stages every file, then renames them all into place: nothing is replaced unless every
/// file was written.
pub fn write_all(files: &[(PathBuf, &[u8])]) -> anyhow::Result<()> {
    let staged = files
        .iter()
        .map(|(path, bytes)| Staged::with_bytes(path, bytes))
        .collect::<anyhow::Result<Vec<_>>>()?;
    staged.into_iter().try_for_each(Staged::commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_replaces_a_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "old").unwrap();
        write(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging file is left behind");
    }

    #[test]
    fn a_staged_file_dropped_before_commit_leaves_the_target_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "old").unwrap();
        drop(Staged::with_bytes(&path, b"half").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_all_replaces_nothing_when_one_target_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "old").unwrap();
        let missing = dir.path().join("no-such-folder").join("b.txt");
        let err = write_all(&[(a.clone(), b"new"), (missing, b"new")]).unwrap_err();
        assert!(format!("{err:#}").contains("does not exist"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old");
    }

    #[test]
    fn check_file_refuses_a_folder_and_a_missing_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_file(dir.path()).is_err());
        assert!(check_file(&dir.path().join("x").join("y.json")).is_err());
        assert!(check_file(&dir.path().join("y.json")).is_ok());
        assert!(!dir.path().join("y.json").exists());
    }
}
