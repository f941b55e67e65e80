//! The evidence behind a "checksum mismatch" against go.sum (issue #15): what the module
//! cache holds for the version (its `.ziphash`, the `h1:` of its zip), so the diagnosis can
//! tell "the cache is corrupted" from "the cache is intact and differs from go.sum" (go.sum is
//! wrong, the version changed upstream, or the cached copy came from elsewhere) from "Go
//! discarded the download" (the proxy serves other content than go.sum names).

use std::path::Path;

use crate::{CancelToken, dirhash, escape};

/// What the module cache holds for one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CacheEvidence {
    /// Neither the zip nor the `.ziphash` is there: Go discarded the download that failed.
    NotCached,
    /// The zip hashes to its `.ziphash` (`hash`).
    Intact { hash: String },
    /// The zip hashes to `zip` but Go recorded `ziphash` when it downloaded it.
    Corrupted { ziphash: String, zip: String },
}

/// Looks at `module@version` in the module cache `modcache` (which must exist). `None` when
/// there is nothing conclusive (no cache, a `.ziphash` without its zip, unreadable files).
pub(crate) fn cache_evidence(
    modcache: &Path,
    module: &str,
    version: &str,
) -> Option<CacheEvidence> {
    if !modcache.is_dir() {
        return None;
    }
    let (ep, ev) = (escape::escape(module).ok()?, escape::escape(version).ok()?);
    let at = crate::modpath::join_slashed(modcache, &format!("cache/download/{ep}/@v"));
    let zip = at.join(format!("{ev}.zip"));
    let zh = at.join(format!("{ev}.ziphash"));
    let ziphash = dirhash::read_regular(&zh, 4096)
        .ok()
        .and_then(|b| dirhash::parse_ziphash(&b));
    if !zip.exists() {
        return (!zh.exists()).then_some(CacheEvidence::NotCached);
    }
    let ziphash = ziphash?;
    let (h, _) = dirhash::hash_zip(
        &zip,
        &dirhash::ZipLimits::default(),
        &|_| {},
        &CancelToken::new(),
    )
    .ok()?;
    Some(if h == ziphash {
        CacheEvidence::Intact { hash: h }
    } else {
        CacheEvidence::Corrupted { ziphash, zip: h }
    })
}

/// An `h1:` hash as Go prints it (standard base64 of 32 bytes), or `None`.
pub(crate) fn h1(word: &str) -> Option<String> {
    let b = word.strip_prefix("h1:")?;
    (b.len() == 44
        && b.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')))
    .then(|| word.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_checked_before_use() {
        let ok = "h1:o85ZTROBKK132h1+zZX20Zr23MYJKy/FasGm8iW7pBA=";
        assert_eq!(h1(ok).as_deref(), Some(ok));
        assert_eq!(h1("h1:a"), None);
        assert_eq!(h1("h1:o85ZTROBKK132h1+zZX20Zr23MYJKy/FasGm8iW7p;A="), None);
        assert_eq!(h1(&ok[3..]), None);
    }

    #[test]
    fn evidence_from_a_cache() {
        use std::io::Write;
        let d = tempfile::tempdir().unwrap();
        let mc = d.path();
        assert_eq!(
            cache_evidence(mc, "example.com/M", "v1.0.0"),
            Some(CacheEvidence::NotCached)
        );
        assert_eq!(
            cache_evidence(&mc.join("nope"), "example.com/M", "v1.0.0"),
            None
        );
        let at = mc.join("cache/download/example.com/!m/@v");
        std::fs::create_dir_all(&at).unwrap();
        let zip = at.join("v1.0.0.zip");
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
        z.start_file(
            "example.com/M@v1.0.0/go.mod",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(b"module example.com/M\n").unwrap();
        z.finish().unwrap();
        let (h, _) = dirhash::hash_zip(
            &zip,
            &dirhash::ZipLimits::default(),
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap();
        // A zip without .ziphash: nothing conclusive.
        assert_eq!(cache_evidence(mc, "example.com/M", "v1.0.0"), None);
        std::fs::write(at.join("v1.0.0.ziphash"), &h).unwrap();
        assert_eq!(
            cache_evidence(mc, "example.com/M", "v1.0.0"),
            Some(CacheEvidence::Intact { hash: h.clone() })
        );
        let other = dirhash::hash_gomod(b"x");
        std::fs::write(at.join("v1.0.0.ziphash"), &other).unwrap();
        assert_eq!(
            cache_evidence(mc, "example.com/M", "v1.0.0"),
            Some(CacheEvidence::Corrupted {
                ziphash: other,
                zip: h
            })
        );
    }
}
