//! The files an agent may attach: only those under one directory tree (`--files-root`), after
//! resolving `..` and symbolic links, so a prompt-injected agent cannot mail out `~/.ssh` or `/etc`.

use std::path::{Path, PathBuf};

/// A directory tree files may be read from.
#[derive(Clone, Debug)]
pub struct FilesRoot {
    /// Canonical: absolute, no `..`, no symbolic link.
    root: PathBuf,
}

impl FilesRoot {
    pub fn new(dir: &Path) -> std::io::Result<FilesRoot> {
        Ok(FilesRoot {
            root: dir.canonicalize()?,
        })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The real path of `path` (relative paths are taken from the root), when it is a file inside
    /// the root; otherwise why not, naming the path as given. Nothing is read.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, String> {
        let given = Path::new(path);
        let candidate = if given.is_absolute() {
            given.to_path_buf()
        } else {
            self.root.join(given)
        };
        let real = candidate
            .canonicalize()
            .map_err(|e| format!("{path}: cannot read it ({e})"))?;
        if !real.starts_with(&self.root) {
            return Err(format!(
                "{path} is outside the files root {}: refused",
                self.root.display()
            ));
        }
        if !real.is_file() {
            return Err(format!("{path} is not a file"));
        }
        Ok(real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_root_after_resolving_dots_and_links() {
        let base = std::env::temp_dir().join(format!("postpress-files-root-{}", std::process::id()));
        let root = base.join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/ok.txt"), b"ok").unwrap();
        std::fs::write(base.join("secret.txt"), b"secret").unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), root.join("link.txt")).unwrap();
        let files = FilesRoot::new(&root).unwrap();

        assert!(files.resolve("sub/ok.txt").is_ok());
        assert!(files.resolve(root.join("sub/ok.txt").to_str().unwrap()).is_ok());
        assert!(files.resolve("sub/../sub/ok.txt").is_ok());
        for outside in [
            base.join("secret.txt").to_str().unwrap().to_string(),
            "../secret.txt".to_string(),
            "sub/../../secret.txt".to_string(),
            "link.txt".to_string(),
        ] {
            let error = files.resolve(&outside).unwrap_err();
            assert!(error.contains("outside the files root"), "{outside}: {error}");
        }
        assert!(files.resolve("sub").unwrap_err().contains("not a file"));
        assert!(files.resolve("missing.txt").unwrap_err().contains("cannot read"));
        let _ = std::fs::remove_dir_all(&base);
    }
}
