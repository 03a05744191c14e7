//! The file store: uploaded documents and photos, kept once by content (SHA-256) under
//! `DATA_DIR/files`, outside the web root. The type is read from the bytes, never from the name.
//!
//! An upload is written to a temporary file, hashed and checked as it arrives, synced, and only
//! then renamed into the store; the database row that makes it visible is written last, in the
//! caller's transaction. A dropped connection or a crash therefore leaves nothing visible.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::io::AsyncWriteExt;

use crate::{
    db::{self, Tx},
    error::{Error, Result},
};

/// The types binhchon accepts, recognised by their first bytes.
pub const ACCEPTED: &[(&str, &str)] = &[
    ("application/pdf", "PDF"),
    ("image/jpeg", "JPEG"),
    ("image/png", "PNG"),
    ("image/webp", "WebP"),
];

/// The MIME type of `head` (the first bytes of a file), if it is one binhchon accepts.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

pub fn is_image(mime: &str) -> bool {
    mime.starts_with("image/")
}

/// A name shown to people and sent back on download: the last path segment, without control
/// characters, at most 150 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(150).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "tep".into()
    } else {
        cleaned
    }
}

fn too_large(max: u64) -> Error {
    let mb = max / (1024 * 1024);
    Error::invalid(
        "file",
        format!("Tệp quá lớn: mỗi tệp tối đa {mb} MB. Hãy nén hoặc chụp lại với độ phân giải thấp hơn."),
        format!("The file is too large: at most {mb} MB per file. Compress it or use a lower resolution."),
    )
}

pub fn wrong_type(accepted: &[String]) -> Error {
    let names: Vec<&str> = ACCEPTED
        .iter()
        .filter(|(m, _)| accepted.is_empty() || accepted.iter().any(|a| a == m))
        .map(|(_, n)| *n)
        .collect();
    let list = names.join(", ");
    Error::invalid(
        "file",
        format!("Tệp này không phải loại được nhận. Hãy chọn tệp {list}."),
        format!("This file is not of an accepted type. Choose a {list} file."),
    )
}

/// A file being received. Bytes go to a temporary file in `DATA_DIR/tmp` while the hash, size
/// and first bytes are tracked; [`Incoming::finish`] checks the type and moves it into the store.
pub struct Incoming {
    temp: PathBuf,
    file: Option<tokio::fs::File>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    max: u64,
}

/// A file safely in the store, not yet referenced by any row.
#[derive(Debug, Clone)]
pub struct Received {
    pub sha256: String,
    pub mime: &'static str,
    pub size: u64,
}

fn store_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

/// Where the bytes of `sha256` live.
pub fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    store_dir(data_dir).join(&sha256[..2]).join(sha256)
}

pub fn thumb_path(data_dir: &Path, sha256: &str) -> PathBuf {
    store_dir(data_dir).join(&sha256[..2]).join(format!("{sha256}.thumb.jpg"))
}

impl Incoming {
    pub async fn start(data_dir: &Path, max: u64) -> Result<Incoming> {
        let dir = data_dir.join("tmp");
        tokio::fs::create_dir_all(&dir).await?;
        let mut rnd = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut rnd);
        let temp = dir.join(format!("upload-{}", hex::encode(rnd)));
        let file = tokio::fs::File::create(&temp).await?;
        Ok(Incoming { temp, file: Some(file), hasher: Sha256::new(), size: 0, head: Vec::with_capacity(16), max })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size > self.max {
            return Err(too_large(self.max));
        }
        if self.head.len() < 16 {
            let take = (16 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        if let Some(f) = self.file.as_mut() {
            f.write_all(chunk).await?;
        }
        Ok(())
    }

    /// Checks the type against `accepted` (empty: any type binhchon accepts), then syncs the
    /// bytes and moves them into the store. The temporary file is removed in every case.
    pub async fn finish(mut self, data_dir: &Path, accepted: &[String]) -> Result<Received> {
        let result = self.finish_inner(data_dir, accepted).await;
        let _ = tokio::fs::remove_file(&self.temp).await;
        result
    }

    async fn finish_inner(&mut self, data_dir: &Path, accepted: &[String]) -> Result<Received> {
        if self.size == 0 {
            return Err(Error::invalid("file", "Tệp rỗng. Hãy chọn lại tệp.", "The file is empty. Choose the file again."));
        }
        let mime = sniff(&self.head)
            .filter(|m| accepted.is_empty() || accepted.iter().any(|a| a == m))
            .ok_or_else(|| wrong_type(accepted))?;
        let mut file = self.file.take().ok_or_else(|| Error::Internal("upload finished twice".into()))?;
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let dest = blob_path(data_dir, &sha256);
        if tokio::fs::metadata(&dest).await.is_err() {
            let dir = dest.parent().expect("blob path has a parent");
            tokio::fs::create_dir_all(dir).await?;
            tokio::fs::rename(&self.temp, &dest).await?;
            // The rename itself must survive a power cut before the row that points at it commits.
            if let Ok(d) = tokio::fs::File::open(dir).await {
                let _ = d.sync_all().await;
            }
        }
        if is_image(mime) {
            make_thumbnail(data_dir, &sha256).await;
        }
        Ok(Received { sha256, mime, size: self.size })
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        // An abandoned upload (connection dropped, too large) leaves no temporary file behind.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A 320-px JPEG preview for lists and the dossier viewer. A picture that cannot be decoded
/// simply has no thumbnail; the original is still served.
async fn make_thumbnail(data_dir: &Path, sha256: &str) {
    let src = blob_path(data_dir, sha256);
    let dest = thumb_path(data_dir, sha256);
    if tokio::fs::metadata(&dest).await.is_ok() {
        return;
    }
    let result = tokio::task::spawn_blocking(move || -> std::result::Result<(), String> {
        let img = image::ImageReader::open(&src)
            .map_err(|e| e.to_string())?
            .with_guessed_format()
            .map_err(|e| e.to_string())?
            .decode()
            .map_err(|e| e.to_string())?;
        let thumb = img.thumbnail(320, 320).to_rgb8();
        let tmp = dest.with_extension("tmp");
        thumb.save_with_format(&tmp, image::ImageFormat::Jpeg).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &dest).map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(sha256, error = %e, "no thumbnail"),
        Err(e) => tracing::warn!(sha256, error = %e, "thumbnail task failed"),
    }
}

/// The `stored_files` row for a received file (one row per content).
pub async fn record(tx: &mut Tx, data_dir: &Path, r: &Received) -> Result<i64> {
    let has_thumb = is_image(r.mime) && thumb_path(data_dir, &r.sha256).exists();
    sqlx::query(
        "INSERT INTO stored_files (sha256, mime, size_bytes, has_thumb, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&r.sha256)
    .bind(r.mime)
    .bind(r.size as i64)
    .bind(has_thumb as i64)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query("SELECT id FROM stored_files WHERE sha256 = $1").bind(&r.sha256).fetch_one(&mut **tx).await?;
    Ok(row.try_get("id")?)
}

/// What a download needs: where the bytes are and how to label them.
#[derive(Debug, Clone)]
pub struct Download {
    pub path: PathBuf,
    pub mime: String,
    pub file_name: String,
    pub size: i64,
}

/// The bytes of stored file `file_id` (or its thumbnail), for a caller that has already been
/// allowed to see it.
pub async fn download(db: &crate::db::Db, data_dir: &Path, file_id: i64, file_name: String, thumb: bool) -> Result<Download> {
    let row = sqlx::query("SELECT sha256, mime, size_bytes, has_thumb FROM stored_files WHERE id = $1")
        .bind(file_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    let sha: String = row.try_get("sha256")?;
    let has_thumb: i64 = row.try_get("has_thumb")?;
    if thumb && has_thumb == 1 {
        let path = thumb_path(data_dir, &sha);
        let size = tokio::fs::metadata(&path).await.map(|m| m.len() as i64).unwrap_or(0);
        return Ok(Download { path, mime: "image/jpeg".into(), file_name, size });
    }
    Ok(Download {
        path: blob_path(data_dir, &sha),
        mime: row.try_get("mime")?,
        file_name,
        size: row.try_get("size_bytes")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"MZ\x90\0 executable"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), None);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("C:\\Users\\a\\Giấy phép.pdf"), "Giấy phép.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\"c.pdf"), "abc.pdf");
        assert_eq!(clean_name("  "), "tep");
    }

    #[tokio::test]
    async fn refuses_oversize_and_wrong_type_and_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("binhchon-files-{}", std::process::id()));
        let mut inc = Incoming::start(&dir, 10).await.unwrap();
        assert!(inc.write(b"%PDF-1.4 this is more than ten bytes").await.is_err());
        drop(inc);
        let inc2 = {
            let mut i = Incoming::start(&dir, 1000).await.unwrap();
            i.write(b"<html>not a pdf</html>").await.unwrap();
            i
        };
        assert!(inc2.finish(&dir, &[]).await.is_err());
        let mut ok = Incoming::start(&dir, 1000).await.unwrap();
        ok.write(b"%PDF-1.4\n%%EOF\n").await.unwrap();
        let r = ok.finish(&dir, &["application/pdf".to_string()]).await.unwrap();
        assert_eq!(r.mime, "application/pdf");
        assert!(blob_path(&dir, &r.sha256).exists());
        let left: Vec<_> = std::fs::read_dir(dir.join("tmp")).unwrap().collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
