//! The files an agent may attach: only those under one directory tree (`--files-root`), so a
//! prompt-injected agent cannot mail out `~/.ssh` or `/etc`. Without a files root, no file.
//!
//! Each file is opened once, beneath the root, by `cap-std` (`openat2` with `RESOLVE_BENEATH` on
//! Linux): `..`, absolute symbolic links and links that lead out are refused by the opening itself,
//! so there is no check-then-open window in which a path component could be swapped for a link.
//! The handle opened is what is sent, retries included (`postpress::Upload::file`).

use std::path::{Path, PathBuf};

use cap_std::fs::Dir;
use postpress::Upload;

/// A directory tree files may be read from.
#[derive(Debug)]
pub struct FilesRoot {
    /// As given, made absolute (for messages and for stripping absolute paths).
    root: PathBuf,
    dir: Dir,
}

impl FilesRoot {
    pub fn new(dir: &Path) -> std::io::Result<FilesRoot> {
        let root = dir.canonicalize()?;
        let opened = Dir::open_ambient_dir(&root, cap_std::ambient_authority())?;
        Ok(FilesRoot { root, dir: opened })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The file `path` names (relative paths are taken from the root; an absolute one must lie
    /// under it), opened; otherwise why not, naming the path as given.
    pub fn open(&self, path: &str) -> Result<Upload, String> {
        let given = Path::new(path);
        let outside = || format!("{path} is outside the files root {}: refused", self.root.display());
        let relative = if given.is_absolute() {
            given.strip_prefix(&self.root).map_err(|_| outside())?
        } else {
            given
        };
        let file = self.dir.open(relative).map_err(|e| {
            // cap-std's refusal of a path that leads out of the root (EXDEV from the kernel's
            // RESOLVE_BENEATH, or its own PermissionDenied).
            if e.kind() == std::io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(18) {
                outside()
            } else {
                format!("{path}: cannot read it ({e})")
            }
        })?;
        let file = file.into_std();
        let metadata = file.metadata().map_err(|e| format!("{path}: cannot read it ({e})"))?;
        if !metadata.is_file() {
            return Err(format!("{path} is not a file"));
        }
        let name = given
            .file_name()
            .map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned());
        Ok(Upload::file(name, file))
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
        std::os::unix::fs::symlink("../secret.txt", root.join("relative-link.txt")).unwrap();
        std::os::unix::fs::symlink("sub/ok.txt", root.join("inner-link.txt")).unwrap();
        let files = FilesRoot::new(&root).unwrap();

        assert!(files.open("sub/ok.txt").is_ok());
        assert!(files.open(root.join("sub/ok.txt").to_str().unwrap()).is_ok());
        assert!(files.open("sub/../sub/ok.txt").is_ok());
        assert!(files.open("inner-link.txt").is_ok(), "a link that stays inside");
        for outside in [
            base.join("secret.txt").to_str().unwrap().to_string(),
            "../secret.txt".to_string(),
            "sub/../../secret.txt".to_string(),
            "link.txt".to_string(),
            "relative-link.txt".to_string(),
        ] {
            let error = files.open(&outside).unwrap_err();
            assert!(error.contains("outside the files root"), "{outside}: {error}");
        }
        assert!(files.open("sub").unwrap_err().contains("not a file"));
        assert!(files.open("missing.txt").unwrap_err().contains("cannot read"));
        let _ = std::fs::remove_dir_all(&base);
    }

    /// The file sent is the one opened: swapping the path for a link afterwards changes nothing.
    /// (That each attempt reads the handle from its start is `postpress::Upload::file`'s test.)
    #[tokio::test(flavor = "multi_thread")]
    async fn the_opened_file_is_what_is_sent() {
        use postpress::fake::{FakeServer, Provider};
        use postpress::types::Attachment;

        let base = std::env::temp_dir().join(format!("postpress-files-swap-{}", std::process::id()));
        let root = base.join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("note.pdf"), b"inside").unwrap();
        std::fs::write(base.join("secret.pdf"), b"a much longer secret").unwrap();
        let files = FilesRoot::new(&root).unwrap();
        let upload = files.open("note.pdf").unwrap();
        std::fs::remove_file(root.join("note.pdf")).unwrap();
        std::os::unix::fs::symlink(base.join("secret.pdf"), root.join("note.pdf")).unwrap();

        let fake = FakeServer::start().await;
        let chat = fake.add_chat(Provider::WhatsApp);
        fake.client()
            .send_message(&chat)
            .attachment(upload)
            .send()
            .await
            .unwrap();
        let stored = fake.messages_in(&chat).pop().unwrap();
        assert!(
            matches!(&stored.attachments[0], Attachment::File(f) if f.file_size == Some(6.0)),
            "{:?}",
            stored.attachments
        );
        let _ = std::fs::remove_dir_all(&base);
    }
}
