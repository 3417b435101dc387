//! The versioned list of known discrepancies (`drt/known-discrepancies.json`).
//! Each entry names one exact case (its hash) and the bucket it differs in;
//! there are no pattern or string filters: anything not listed is reported.

use crate::compare::Bucket;
use serde_json::Value as Json;

/// The list compiled into every binary, so fuzz targets and the driver agree.
pub const KNOWN_JSON: &str = include_str!("../known-discrepancies.json");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: String,
    pub case_hash: String,
    pub bucket: Bucket,
    pub note: String,
}

#[derive(Debug, Clone, Default)]
pub struct KnownList {
    pub version: u64,
    pub entries: Vec<Known>,
}

impl KnownList {
    pub fn builtin() -> KnownList {
        KnownList::parse(KNOWN_JSON).expect("drt/known-discrepancies.json is malformed")
    }

    pub fn parse(src: &str) -> Result<KnownList, String> {
        let j: Json = serde_json::from_str(src).map_err(|e| e.to_string())?;
        let version = j.get("version").and_then(Json::as_u64).ok_or("`version` must be a number")?;
        let mut entries = Vec::new();
        for (i, e) in j.get("entries").and_then(Json::as_array).ok_or("`entries` must be an array")?.iter().enumerate()
        {
            let s = |k: &str| {
                e.get(k).and_then(Json::as_str).map(str::to_string).ok_or(format!("entries[{i}].{k} must be a string"))
            };
            let bucket = s("bucket")?;
            entries.push(Known {
                id: s("id")?,
                case_hash: s("case_hash")?,
                bucket: Bucket::from_name(&bucket).ok_or(format!("entries[{i}].bucket: unknown bucket `{bucket}`"))?,
                note: s("note")?,
            });
        }
        Ok(KnownList { version, entries })
    }

    /// The entry that covers exactly this case and bucket, if any.
    pub fn find(&self, case_hash: &str, bucket: Bucket) -> Option<&Known> {
        self.entries.iter().find(|k| k.case_hash == case_hash && k.bucket == bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_matches_exactly() {
        KnownList::builtin();
        let l = KnownList::parse(
            r#"{"version":1,"entries":[{"id":"k1","case_hash":"00ff","bucket":"decision","note":"n"}]}"#,
        )
        .unwrap();
        assert!(l.find("00ff", Bucket::Decision).is_some());
        assert!(l.find("00ff", Bucket::Reason).is_none());
        assert!(l.find("00fe", Bucket::Decision).is_none());
    }
}
