//! Any bytes given to the reader: an answer (a plan or a French reason), never a panic,
//! a hang or a runaway allocation (libFuzzer's -rss_limit_mb and -timeout watch those).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = plandoc::ingest::Limits::default();
    if let Ok(workbook) = plandoc::ingest::read_bytes(data.to_vec(), &limits) {
        if let Ok(reading) = plandoc::ingest::plan_from_workbook("fuzz.xlsx", &workbook) {
            let _ = plandoc::validate::validate(&reading.plan);
        }
    }
});
