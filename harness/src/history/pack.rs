//! One run as the bytes of a store run file: the run's JSON without its
//! samples, then every sample as raw IEEE-754 bits, all LZ4-compressed.
//!
//! Samples as JSON text take about 19 bytes a value; as bits, 8. Each
//! value is XOR-ed with the one before it (as in Gorilla, Pelkonen et al.
//! 2015): neighbouring timings share sign, exponent and leading mantissa
//! bits, so the XOR's high bytes are zero. The XORs are then stored byte
//! plane by byte plane (all first bytes, then all second bytes, ...), so
//! those zeros form runs LZ4 removes. Decoding restores the exact bits,
//! and the run is read back through [`read_run_value`], so it is checked
//! exactly as a JSON line is.

use serde_json::Value;

use crate::model::{Run, RunError, Sample, read_run_value, summarise};

/// The first bytes of every run file: the format and its version.
const MAGIC: &[u8; 8] = b"hrun\x00\x00\x00\x01";

/// Why a run file's bytes are not a run.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// Not a run file of this format.
    #[error("not a run file (bad header)")]
    Magic,
    /// LZ4 data cut short or corrupt.
    #[error("compressed data is damaged ({0})")]
    Lz4(String),
    /// The parts do not add up.
    #[error("layout is damaged ({0})")]
    Layout(&'static str),
    /// The run inside is not valid.
    #[error("{0}")]
    Run(#[from] RunError),
}

/// The run file's bytes for `run`.
pub fn encode(run: &Run) -> Result<Vec<u8>, serde_json::Error> {
    let mut value = serde_json::to_value(run)?;
    let mut samples: Vec<Vec<f64>> = Vec::new();
    for m in measurements(&mut value) {
        let taken = m.get_mut("samples").map_or(Value::Null, Value::take);
        let values = match taken {
            Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
            _ => Vec::new(),
        };
        samples.push(values);
    }
    let json = serde_json::to_vec(&value)?;
    let mut payload = Vec::with_capacity(json.len() + 8 * samples.len() * 32);
    payload.extend_from_slice(&(json.len() as u32).to_le_bytes());
    payload.extend_from_slice(&json);
    for values in &samples {
        payload.extend_from_slice(&(values.len() as u32).to_le_bytes());
        let xors: Vec<u64> = values
            .iter()
            .scan(0u64, |prev, v| {
                let bits = v.to_bits();
                let x = bits ^ *prev;
                *prev = bits;
                Some(x)
            })
            .collect();
        for plane in 0..8 {
            payload.extend(xors.iter().map(|x| x.to_le_bytes()[plane]));
        }
    }
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&lz4_flex::compress_prepend_size(&payload));
    Ok(out)
}

/// The run in a run file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Run, PackError> {
    decode_with(bytes, false)
}

/// The run in a run file's bytes, each sample replaced by its summary
/// (what judging reads of an older run), computed from the samples'
/// exact values. A sample holding a value that is negative or not
/// finite is kept whole, so that it is checked as [`decode`] checks it.
pub fn decode_summarised(bytes: &[u8]) -> Result<Run, PackError> {
    decode_with(bytes, true)
}

fn decode_with(bytes: &[u8], summarised: bool) -> Result<Run, PackError> {
    let packed = bytes.strip_prefix(MAGIC).ok_or(PackError::Magic)?;
    let payload =
        lz4_flex::decompress_size_prepended(packed).map_err(|e| PackError::Lz4(e.to_string()))?;
    let mut rest = payload.as_slice();
    let json_len = take_u32(&mut rest)?;
    let json = take(&mut rest, json_len)?;
    let mut value: Value =
        serde_json::from_slice(json).map_err(|e| PackError::Run(RunError::Json(e)))?;
    for m in measurements(&mut value) {
        let n = take_u32(&mut rest)?;
        let planes = take(
            &mut rest,
            n.checked_mul(8).ok_or(PackError::Layout("count"))?,
        )?;
        if n == 0 {
            continue;
        }
        let mut prev = 0u64;
        let floats: Vec<f64> = (0..n)
            .map(|i| {
                let mut b = [0u8; 8];
                for (plane, byte) in b.iter_mut().enumerate() {
                    *byte = planes[plane * n + i];
                }
                prev ^= u64::from_le_bytes(b);
                f64::from_bits(prev)
            })
            .collect();
        let plain = floats.iter().all(|v| v.is_finite() && *v >= 0.0);
        let Some(obj) = m.as_object_mut() else {
            continue;
        };
        if summarised && plain {
            // Not empty (n > 0) and every value finite: a valid sample.
            let sample = Sample::new(floats).map_err(|_| PackError::Layout("sample"))?;
            let summary = serde_json::to_value(summarise(&sample))
                .map_err(|e| PackError::Run(RunError::Json(e)))?;
            obj.insert("summary".into(), summary);
            continue;
        }
        // A non-finite value has no JSON number: it becomes null, which
        // reading the run then refuses, naming the file.
        let values = floats
            .into_iter()
            .map(|v| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
            .collect();
        obj.insert("samples".into(), Value::Array(values));
    }
    if !rest.is_empty() {
        return Err(PackError::Layout("bytes after the last sample"));
    }
    Ok(read_run_value(value)?)
}

/// Every measurement object of a run's JSON value.
fn measurements(value: &mut Value) -> impl Iterator<Item = &mut Value> {
    value
        .get_mut("measurements")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], PackError> {
    if rest.len() < n {
        return Err(PackError::Layout("cut short"));
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn take_u32(rest: &mut &[u8]) -> Result<usize, PackError> {
    let b = take(rest, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run {
        crate::model::read_run(include_str!("../../tests/data/model/run.v1.json")).unwrap()
    }

    #[test]
    fn a_run_file_reads_back_equal_to_the_run() {
        let run = run();
        let bytes = encode(&run).unwrap();
        assert_eq!(decode(&bytes).unwrap(), run);
        assert_eq!(
            serde_json::to_string(&decode(&bytes).unwrap()).unwrap(),
            serde_json::to_string(&run).unwrap()
        );
    }

    #[test]
    fn a_summarised_read_holds_the_summaries_of_the_exact_samples() {
        let run = run();
        let bytes = encode(&run).unwrap();
        let read = decode_summarised(&bytes).unwrap();
        assert_eq!(read.measurements.len(), run.measurements.len());
        for (s, f) in read.measurements.iter().zip(&run.measurements) {
            assert!(s.samples.is_none());
            assert_eq!(s.summary, f.samples.as_ref().map(summarise));
            assert_eq!((&s.bench, s.estimate), (&f.bench, f.estimate));
        }
    }

    #[test]
    fn a_cut_or_flipped_run_file_is_an_error_not_a_panic() {
        let bytes = encode(&run()).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            let _ = decode(&b);
            let _ = decode_summarised(&b);
        }
        assert!(matches!(decode(b"{}"), Err(PackError::Magic)));
    }
}
