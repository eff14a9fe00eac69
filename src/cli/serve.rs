//! `plandoc serve`: options checked here, the server in `crate::serve`.

use std::time::Duration;

use crate::serve::{serve, ServeOptions};

use super::args::ServeArgs;
use super::exit;

fn fail(msg: &str) -> i32 {
    eprintln!("plandoc : erreur : {msg}");
    exit::UNREADABLE
}

/// "30min", "90s", "2h", "45" (minutes).
pub fn duration(s: &str) -> Option<Duration> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u64 = t[..split].parse().ok()?;
    let secs = match t[split..].trim() {
        "" | "min" | "m" => n.checked_mul(60)?,
        "s" => n,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (secs > 0).then(|| Duration::from_secs(secs))
}

pub fn run(a: &ServeArgs) -> i32 {
    let Some(keep) = duration(&a.retention) else {
        return fail(&format!("durée « {} » invalide pour --conservation (attendu : 30min, 90s, 2h).", a.retention));
    };
    let token = match &a.token {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            Ok(_) => return fail(&format!("le fichier de jeton « {} » est vide.", p.display())),
            Err(e) => {
                return fail(&format!(
                    "fichier de jeton « {} » illisible : {}.",
                    p.display(),
                    crate::durable::io_fr(&e)
                ))
            }
        },
        None => None,
    };
    // Statuts, priorités and the documents' look as the CLI has them with --modeles.
    let template = match super::options::templates(a.models.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(&format!("{e}.")),
    };
    if a.max_size == 0 || a.timeout == 0 || a.workers == Some(0) {
        return fail("--taille-max, --delai et --travaux attendent un nombre positif.");
    }
    let defaults = ServeOptions::default();
    let opts = ServeOptions {
        address: a.address.clone(),
        port: a.port,
        token,
        max_upload: a.max_size.saturating_mul(1024 * 1024),
        workers: a.workers.unwrap_or(defaults.workers),
        queue: a.queue,
        time_limit: Duration::from_secs(a.timeout),
        keep,
        results: a.results.clone(),
        template,
        models: a.models.clone(),
    };
    match serve(opts) {
        Ok(()) => exit::OK,
        Err(e) => fail(&format!("{e}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("30min"), Some(Duration::from_secs(1800)));
        assert_eq!(duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(duration("45"), Some(Duration::from_secs(2700)));
        assert_eq!(duration("0s"), None);
        assert_eq!(duration("bientôt"), None);
    }
}
