//! `plandoc serve`, the real binary on an ephemeral port, used over HTTP as a client
//! would: every route with the samples and bad files, limits, token, expiry.

mod common;

use std::io::{Cursor, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::server::Server;
use common::{bad_plan, pdf, plandoc, sample, tmpdir, write_xlsx, C};
use reqwest::blocking::{multipart, Client};
use reqwest::StatusCode;

const FORTY: &str = "000-pst-ambitions-texte.xlsx";

fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(120)).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn part(path: &Path) -> multipart::Part {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    multipart::Part::bytes(std::fs::read(path).unwrap()).file_name(name)
}

fn plan_form(path: &Path) -> multipart::Form {
    multipart::Form::new().part("plan", part(path))
}

/// Files of a ZIP by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

fn pdf_text(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name.replace('/', "_"));
    std::fs::write(&p, bytes).unwrap();
    pdf::text(&p)
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn health_pages_assets_and_security_headers() {
    let s = Server::start(&[]);
    let c = client();
    let r = c.get(s.at("/sante")).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().unwrap(), "ok");
    for path in ["/", "/evaluation", "/lot"] {
        let r = c.get(s.at(path)).send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        let body = r.text().unwrap();
        assert!(body.contains("<html lang=\"fr\">"), "{path}");
        // Nothing from elsewhere: no CDN, no inline script.
        assert!(!body.contains("http://") && !body.contains("https://") && !body.contains("<script>"), "{path}");
    }
    let home = c.get(s.at("/")).send().unwrap().text().unwrap();
    assert!(home.contains("<label for=\"plan\">") && home.contains("enctype=\"multipart/form-data\""));
    for (asset, mime) in
        [("plandoc.css", "text/css"), ("plandoc.js", "text/javascript"), ("Lato-Regular.ttf", "font/ttf")]
    {
        let r = c.get(s.at(&format!("/static/{asset}"))).send().unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with(mime));
    }
    assert_eq!(c.get(s.at("/nulle-part")).send().unwrap().status(), 404);
    // One line per request: method, path, status, duration.
    let line = |l: &str| l.starts_with("GET /sante 200 ") && l.ends_with(" ms");
    let log = s.log_with(line);
    assert!(log.lines().any(line), "{log}");
}

#[test]
fn api_check_gives_the_json_of_check() {
    let s = Server::start(&[]);
    let r = client().post(s.at("/api/check")).multipart(plan_form(&sample(FORTY))).send().unwrap();
    assert_eq!(r.status(), 200);
    let api: serde_json::Value = r.json().unwrap();
    let (code, mut cli) = common::check_json(&sample(FORTY));
    assert_eq!(code, 0);
    assert_eq!(api["actions"], 40);
    assert_eq!(api["file"], FORTY);
    cli["file"] = api["file"].clone();
    assert_eq!(api, cli, "same report as `plandoc check --json`");

    // A plan with errors: still a report (200), its errors at their cells.
    let dir = tmpdir("serve-check");
    let r = client().post(s.at("/api/check")).multipart(plan_form(&bad_plan(&dir))).send().unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().unwrap();
    let codes = common::codes_at(&v);
    assert!(codes.contains(&("numero-en-double".into(), "Plan!B3".into())), "{codes:?}");

    // Not a spreadsheet: 422 with the reason in French.
    let r = client().post(s.at("/api/check")).multipart(plan_form(&sample("logo-lauragais.png"))).send().unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "format-inconnu");
    assert!(v["actions"].is_null());

    // No file: 400, said in French.
    let r = client().post(s.at("/api/check")).multipart(multipart::Form::new().text("x", "y")).send().unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().unwrap();
    assert!(v["erreur"].as_str().unwrap().contains("champ « plan » manquant"), "{v}");
}

#[test]
fn api_build_returns_the_documents_read_back() {
    let s = Server::start(&[]);
    let dir = tmpdir("serve-build");
    let form = plan_form(&sample(FORTY))
        .text("deliberation", "2026_07")
        .text("date_deliberation", "2026-03-12")
        .text("collectivite", "Communauté de communes d'essai")
        .text("couleur", "#2E7D32")
        .part("logo", part(&sample("logo-lauragais.png")));
    let r = client().post(s.at("/api/build")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let files = unzip(&r.bytes().unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["fiches-actions.pdf", "echeancier.pdf", "plan-d-actions.pdf", "annexe.xlsx"]);
    assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))));
    let plan = pdf_text(&dir, "plan.pdf", &files[2].1);
    assert!(plan.contains("Délibération n° 2026_07"), "{plan}");
    assert!(plan.contains("Communauté de communes d'essai") || plan.contains("Communauté de communes d’essai"));
    let fiches = pdf_text(&dir, "fiches.pdf", &files[0].1);
    assert!(fiches.contains("Ecriture d’une charte associative"), "{}", &fiches[..500.min(fiches.len())]);
    // The annex reads back with calamine: one row per action.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(files[3].1.clone())).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let text: String = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>().join("|");
    assert!(text.contains("charte associative"), "annex holds the actions");

    // A chosen subset, with a prefix made ASCII.
    let form = plan_form(&sample(FORTY)).text("documents", "fiches,plan").text("prefixe_id", "Délib 2026/07");
    let r = client().post(s.at("/api/build")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let names: Vec<String> = unzip(&r.bytes().unwrap()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Delib-2026-07-fiches-actions.pdf", "Delib-2026-07-plan-d-actions.pdf"]);

    // Short fiches share pages, unless the form asks for one fiche per page.
    for one in [false, true] {
        let mut form = plan_form(&sample(FORTY)).text("documents", "fiches");
        if one {
            form = form.text("une_fiche_par_page", "oui");
        }
        let r = client().post(s.at("/api/build")).multipart(form).send().unwrap();
        assert_eq!(r.status(), 200);
        let path = dir.join(format!("fiches-{one}.pdf"));
        std::fs::write(&path, &unzip(&r.bytes().unwrap())[0].1).unwrap();
        let n = pdf::pages(&path);
        assert_eq!(n == 40, one, "une fiche par page : {one}, {n} pages");
    }

    // A plan with errors: 422 and the JSON diagnostics, no document.
    let r = client().post(s.at("/api/build")).multipart(plan_form(&bad_plan(&dir))).send().unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().unwrap();
    assert!(v["diagnostics"].as_array().unwrap().iter().any(|d| d["severity"] == "error"));

    // An unknown document and a computed @ctes ID the plan cannot give: 422, in French.
    let r = client()
        .post(s.at("/api/build"))
        .multipart(plan_form(&sample(FORTY)).text("documents", "brochure"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("document « brochure » inconnu"));
    let r = client()
        .post(s.at("/api/build"))
        .multipart(plan_form(&sample(FORTY)).text("prefixe_id", "oui"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("SIREN"));
}

#[test]
fn api_evaluation_and_template() {
    let s = Server::start(&[]);
    let dir = tmpdir("serve-eval");
    let form = plan_form(&sample("suivi-lauragais.xlsx"))
        .part("depuis", part(&sample("canonique-lauragais.xlsx")))
        .text("annee", "2026");
    let r = client().post(s.at("/api/evaluation")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["evaluation.pdf", "evaluation.xlsx"]);
    let text = pdf_text(&dir, "evaluation.pdf", &files[0].1);
    assert!(text.contains("bilan 2026"), "review year in the report: {text}");

    // A plan without follow-up data: 422 in French.
    let r = client().post(s.at("/api/evaluation")).multipart(plan_form(&sample(FORTY))).send().unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("pas de données de suivi"));
    let r = client()
        .post(s.at("/api/evaluation"))
        .multipart(plan_form(&sample("suivi-lauragais.xlsx")).text("annee", "l'an dernier"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);

    let r = client().get(s.at("/api/modele")).send().unwrap();
    assert_eq!(r.status(), 200);
    let b = r.bytes().unwrap();
    let p = dir.join("modele.xlsx");
    std::fs::write(&p, &b).unwrap();
    // plandoc recognises the blank template as a plan still without actions.
    let (_, v) = common::check_json(&p);
    assert_eq!(v["diagnostics"][0]["code"], "aucune-action", "{v}");
    assert_eq!(v["diagnostics"][0]["sheet"], "Plan d'actions");
    assert_eq!(v["last_year"].as_i64().unwrap() - v["first_year"].as_i64().unwrap(), 4);
}

#[test]
fn api_lot_builds_every_plan_and_refuses_hostile_archives() {
    let s = Server::start(&["--taille-max", "4"]);
    let dir = tmpdir("serve-lot");
    let bad = std::fs::read(bad_plan(&dir)).unwrap();
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let ods = std::fs::read(sample("001-ctg-ambitions.ods")).unwrap();
    let archive = zip_of(&[("commune A/plan été.xlsx", &forty), ("commune B/ctg.ods", &ods), ("erreurs.xlsx", &bad)]);
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(archive).file_name("plans.zip"));
    let r = client().post(s.at("/api/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"commune-A/plan-ete/plan-d-actions.pdf"), "{names:?}");
    assert!(names.contains(&"commune-B/ctg/fiches-actions.pdf"), "{names:?}");
    assert!(names.contains(&"rapport-lot.xlsx"));
    let report: serde_json::Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "rapport-lot.json").unwrap().1).unwrap();
    assert_eq!(report["ok"], 2);
    assert_eq!(report["errors"], 1);
    let pdf = &files.iter().find(|(n, _)| n == "commune-A/plan-ete/plan-d-actions.pdf").unwrap().1;
    assert!(pdf_text(&dir, "lot.pdf", pdf).contains("Ecriture d’une charte associative"));

    let refused = |archive: Vec<u8>| {
        let form = multipart::Form::new().part("lot", multipart::Part::bytes(archive).file_name("plans.zip"));
        let r = client().post(s.at("/api/lot")).multipart(form).send().unwrap();
        let status = r.status();
        let v: serde_json::Value = r.json().unwrap();
        (status, v["erreur"].as_str().unwrap_or("").to_string())
    };
    // Path traversal.
    let (st, msg) = refused(zip_of(&[("../../evil.xlsx", &forty)]));
    assert_eq!(st, 422);
    assert!(msg.contains("sort du dossier"), "{msg}");
    let (st, _) = refused(zip_of(&[("/etc/evil.xlsx", &forty)]));
    assert_eq!(st, 422);
    // Too many entries.
    let many: Vec<(String, Vec<u8>)> = (0..2001).map(|i| (format!("f{i}.txt"), Vec::new())).collect();
    let refs: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let (st, msg) = refused(zip_of(&refs));
    assert_eq!(st, 422);
    assert!(msg.contains("entrées"), "{msg}");
    // A bomb: 80 MB of zeros in a small archive, over the per-file disk budget
    // (--taille-max) once expanded: 413, refused from its declared size.
    let zeros = vec![0u8; 80 * 1024 * 1024];
    let (st, msg) = refused(zip_of(&[("bombe.xlsx", &zeros)]));
    assert_eq!(st, 413);
    assert!(msg.contains("« bombe.xlsx » ferait 80 Mo une fois décompressé"), "{msg}");
    // Not a ZIP at all.
    let (st, _) = refused(forty.clone());
    assert_eq!(st, 422);
}

/// Sends a request head announcing `length` bytes and reads the answer without sending them.
fn announce(addr: &str, path: &str, length: u64) -> String {
    let mut t = TcpStream::connect(addr).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        t,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    let mut buf = [0u8; 4096];
    let n = t.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn oversized_uploads_get_413_before_being_read() {
    let s = Server::start(&["--taille-max", "1"]);
    // 100 MB announced, nothing sent: the answer comes at once.
    let start = Instant::now();
    let head = announce(&s.addr(), "/api/build", 100 * 1024 * 1024);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(announce(&s.addr(), "/controle", 100 * 1024 * 1024).starts_with("HTTP/1.1 413"));

    // Streamed without a length: cut off once over the limit.
    let mut t = TcpStream::connect(s.addr()).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        t,
        "POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let head = b"--XX\r\nContent-Disposition: form-data; name=\"plan\"; filename=\"gros.xlsx\"\r\n\r\n";
    let _ = write!(t, "{:x}\r\n", head.len()).and_then(|_| t.write_all(head)).and_then(|_| t.write_all(b"\r\n"));
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..64 {
        if write!(t, "{:x}\r\n", chunk.len())
            .and_then(|_| t.write_all(&chunk))
            .and_then(|_| t.write_all(b"\r\n"))
            .is_err()
        {
            break;
        }
    }
    let mut answer = String::new();
    let _ = t.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(300)]);
    assert!(answer.contains("trop volumineux"));
}

#[test]
fn beyond_workers_and_queue_the_answer_is_503_with_retry_after() {
    let s = Server::start(&["--travaux", "1", "--attente", "0"]);
    let forty = std::fs::read(sample(FORTY)).unwrap();
    // A slow job: a lot of twelve plans.
    let entries: Vec<(String, Vec<u8>)> = (0..12).map(|i| (format!("p{i}.xlsx"), forty.clone())).collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let archive = zip_of(&refs);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (url, archive, barrier) = (s.at("/api/lot"), archive.clone(), barrier.clone());
            std::thread::spawn(move || {
                let form = multipart::Form::new().part("lot", multipart::Part::bytes(archive).file_name("l.zip"));
                let req = client().post(url).multipart(form);
                barrier.wait();
                let r = req.send().unwrap();
                let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
                (r.status(), retry, r.text().unwrap())
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ok = results.iter().filter(|r| r.0 == StatusCode::OK).count();
    let busy: Vec<_> = results.iter().filter(|r| r.0 == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(ok >= 1, "{results:?}");
    assert!(!busy.is_empty(), "one worker, no queue: some of six must be refused");
    assert_eq!(ok + busy.len(), 6);
    for b in busy {
        assert_eq!(b.1.as_deref(), Some("5"));
        assert!(b.2.contains("serveur occupé"));
    }
}

#[test]
fn a_request_over_the_time_limit_gets_503() {
    let s = Server::start(&["--delai", "1", "--travaux", "1"]);
    let forty = std::fs::read(sample(FORTY)).unwrap();
    // About ten milliseconds a plan: three hundred take well over a second.
    let entries: Vec<(String, Vec<u8>)> = (0..300).map(|i| (format!("p{i}.xlsx"), forty.clone())).collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(zip_of(&refs)).file_name("l.zip"));
    let start = Instant::now();
    let r = client().post(s.at("/api/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 503);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(r.text().unwrap().contains("délai dépassé"));
    // The server still answers.
    assert_eq!(client().get(s.at("/sante")).send().unwrap().status(), 200);
}

#[test]
fn pages_flow_and_results_expire() {
    let results = tmpdir("serve-results");
    let s = Server::start(&["--conservation", "2s", "--resultats", results.to_str().unwrap()]);
    let c = client();
    let dir = tmpdir("serve-pages");
    // Contrôle: counts, column mapping, the sheet with cited cells.
    let r = c.post(s.at("/controle")).multipart(plan_form(&bad_plan(&dir))).send().unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    assert!(page.contains("<strong>2 actions</strong>"), "{page}");
    assert!(page.contains("<small><code>numero-en-double</code></small>"), "{page}");
    // The place is named for people and leads to its cell in the sheet view.
    assert!(page.contains("<a href=\"#cellule-B3\">feuille « Plan », cellule B3</a>"), "{page}");
    assert!(!page.contains("Plan!B3"), "no spreadsheet syntax on the page");
    assert!(
        page.contains("<td id=\"cellule-B3\" class=\"cite-erreur\"><strong>[erreur]</strong> 1</td>"),
        "cited cell highlighted, with its anchor"
    );
    assert!(page.contains("Correspondance des colonnes"));
    assert!(!page.contains("Continuer vers les documents"), "no documents while errors remain");

    // A file that is no plan: 422, the reason on the page, nothing to go on with.
    let r = c.post(s.at("/controle")).multipart(plan_form(&sample("logo-lauragais.png"))).send().unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(page.contains("format-inconnu") && page.contains("ne peut pas être lu comme un plan"), "{page}");

    let r = c.post(s.at("/controle")).multipart(plan_form(&sample(FORTY))).send().unwrap();
    let page = r.text().unwrap();
    assert!(page.contains("<strong>40 actions</strong>"));
    let id = page.split("/documents/").nth(1).unwrap()[..32].to_string();
    assert!(c
        .get(s.at(&format!("/documents/{id}")))
        .send()
        .unwrap()
        .text()
        .unwrap()
        .contains("Numéro de délibération"));
    let form = multipart::Form::new().text("deliberation", "2026_09").text("documents", "plan");
    let r = c.post(s.at(&format!("/documents/{id}"))).multipart(form).send().unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(s.at(&format!("/resultats/{id}"))).send().unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    assert!(page.contains("Tout télécharger (.zip)") && page.contains("Aperçu de la page 1"));
    let z = c.get(s.at(&format!("/resultats/{id}/documents.zip"))).send().unwrap().bytes().unwrap();
    let files = unzip(&z);
    assert_eq!(files.len(), 1);
    assert!(pdf_text(&dir, "p.pdf", &files[0].1).contains("Délibération n° 2026_09"));
    let preview = c.get(s.at(&format!("/resultats/{id}/plan-d-actions.pdf?apercu=1"))).send().unwrap();
    assert!(preview.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
    assert!(preview.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'self'"));
    // Names other than the library's never reach the disk.
    for bad in ["..%2F..%2Fetc%2Fpasswd", ".cree", "plan.bin"] {
        let st = c.get(s.at(&format!("/resultats/{id}/{bad}"))).send().unwrap().status();
        assert_eq!(st, 404, "{bad}");
    }
    assert_eq!(c.get(s.at("/resultats/0123456789abcdef0123456789abcdef")).send().unwrap().status(), 404);

    // After the keeping time: gone, from the page and from the disk.
    std::thread::sleep(Duration::from_millis(3500));
    assert_eq!(c.get(s.at(&format!("/resultats/{id}"))).send().unwrap().status(), 404);
    assert!(!results.join(&id).exists(), "expired result deleted");
    assert_eq!(std::fs::read_dir(&results).unwrap().count(), 0, "every expired result swept");
}

#[test]
fn page_lot_shows_progress_then_the_report() {
    let s = Server::start(&[]);
    let c = client();
    let dir = tmpdir("serve-page-lot");
    let bad = std::fs::read(bad_plan(&dir)).unwrap();
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let archive = zip_of(&[("a.xlsx", &forty), ("b-erreurs.xlsx", &bad)]);
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(archive).file_name("plans.zip"));
    let r = c.post(s.at("/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let start = Instant::now();
    let page = loop {
        let page = c.get(s.at(&to)).send().unwrap().text().unwrap();
        if !page.contains("http-equiv=\"refresh\"") {
            break page;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "lot never ends");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(page.contains("2 plans : 1 construits, 1 en échec."), "{page}");
    let failures = page.find("Plans en échec").unwrap();
    assert!(failures < page.find("Tous les plans").unwrap(), "failures first");
    assert!(page.contains("b-erreurs.xlsx") && page.contains("numéro"), "{page}");
    let z = c.get(s.at(&format!("{to}/lot.zip"))).send().unwrap().bytes().unwrap();
    assert!(unzip(&z).iter().any(|(n, _)| n == "a/plan-d-actions.pdf"));
}

#[test]
fn token_guards_api_and_pages() {
    let dir = tmpdir("serve-token");
    let secret = dir.join("jeton");
    std::fs::write(&secret, "s3cret-du-service\n").unwrap();
    let s = Server::start(&["--jeton", secret.to_str().unwrap()]);
    let c = client();
    assert_eq!(c.get(s.at("/sante")).send().unwrap().status(), 200);
    let r = c.post(s.at("/api/check")).multipart(plan_form(&sample(FORTY))).send().unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().unwrap().contains("jeton"));
    let r = c.post(s.at("/api/check")).bearer_auth("faux").multipart(plan_form(&sample(FORTY))).send().unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .post(s.at("/api/check"))
        .bearer_auth("s3cret-du-service")
        .multipart(plan_form(&sample(FORTY)))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    // Pages: to the login form, then in with the cookie.
    let r = c.get(s.at("/")).send().unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/connexion");
    assert_eq!(c.post(s.at("/connexion")).form(&[("jeton", "faux")]).send().unwrap().status(), 401);
    let r = c.post(s.at("/connexion")).form(&[("jeton", "s3cret-du-service")]).send().unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert!(!cookie.contains("s3cret"), "the cookie is not the secret");
    let r = c.get(s.at("/")).header("cookie", cookie).send().unwrap();
    assert_eq!(r.status(), 200);
}

#[test]
fn temporary_files_are_removed_even_when_the_client_leaves() {
    let tmp = tmpdir("serve-tmp");
    let s = Server::start_with_env(&[], &[("TMPDIR", &tmp)]);
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let entries: Vec<(String, Vec<u8>)> = (0..6).map(|i| (format!("p{i}.xlsx"), forty.clone())).collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let archive = zip_of(&refs);
    let lot_work = || {
        std::fs::read_dir(&tmp)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("plandoc-lot"))
            .count()
    };
    // A complete request, then one whose client hangs up while it runs.
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(archive.clone()).file_name("l.zip"));
    assert_eq!(client().post(s.at("/api/lot")).multipart(form).send().unwrap().status(), 200);
    assert_eq!(lot_work(), 0);
    let boundary = "BOUNDARY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"lot\"; filename=\"l.zip\"\r\nContent-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&archive);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut t = TcpStream::connect(s.addr()).unwrap();
    write!(
        t,
        "POST /api/lot HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    t.write_all(&body).unwrap();
    let start = Instant::now();
    while lot_work() == 0 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(t);
    let start = Instant::now();
    while lot_work() > 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "work folder left behind");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The work folder was private while it lived.
    assert_eq!(client().get(s.at("/sante")).send().unwrap().status(), 200);
}

#[test]
fn several_instances_share_one_results_folder() {
    let shared = tmpdir("serve-shared");
    let a = Server::start(&["--resultats", shared.to_str().unwrap()]);
    let b = Server::start(&["--resultats", shared.to_str().unwrap()]);
    let c = client();
    let page = c.post(a.at("/controle")).multipart(plan_form(&sample(FORTY))).send().unwrap().text().unwrap();
    let id = page.split("/documents/").nth(1).unwrap()[..32].to_string();
    // The next step lands on the other instance.
    let form = multipart::Form::new().text("documents", "echeancier");
    let r = c.post(b.at(&format!("/documents/{id}"))).multipart(form).send().unwrap();
    assert_eq!(r.status(), 303);
    let z = c.get(a.at(&format!("/resultats/{id}/documents.zip"))).send().unwrap();
    assert_eq!(z.status(), 200);
    let names: Vec<String> = unzip(&z.bytes().unwrap()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["echeancier.pdf"]);
}

#[test]
fn wrong_serve_options_are_refused_in_french() {
    for (args, said) in [
        (&["serve", "--adresse", "partout"][..], "adresse « partout » invalide"),
        (&["serve", "--jeton", "/nulle/part/jeton"][..], "fichier de jeton « /nulle/part/jeton » illisible"),
        (&["serve", "--conservation", "bientôt"][..], "--conservation"),
        (&["serve", "--travaux", "0"][..], "nombre positif"),
    ] {
        let out = common::plandoc(args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains(said), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn a_plan_sent_in_a_lot_cannot_take_the_servers_files_as_its_logo() {
    let s = Server::start(&[]);
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let logo_bytes = std::fs::read(sample("logo-lauragais.png")).unwrap();
    // A PNG that exists on the server's disk, named by an absolute and by a relative path.
    let outside = sample("logo-lauragais.png").canonicalize().unwrap();
    let absolute = format!("[plan]\nlogo = \"{}\"\n", outside.display());
    let relative =
        "[plan]\nlogo = \"../../../../../../../../../../..".to_string() + &outside.display().to_string() + "\"\n";
    let inside = "[plan]\nlogo = \"logo.png\"\n";
    let archive = zip_of(&[
        ("a/plan.xlsx", &forty),
        ("a/plandoc.toml", absolute.as_bytes()),
        ("b/plan.xlsx", &forty),
        ("b/plandoc.toml", relative.as_bytes()),
        ("c/plan.xlsx", &forty),
        ("c/plandoc.toml", inside.as_bytes()),
        ("c/logo.png", &logo_bytes),
    ]);
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(archive).file_name("plans.zip"));
    let r = client().post(s.at("/api/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let report = String::from_utf8(files.iter().find(|(n, _)| n == "rapport-lot.json").unwrap().1.clone()).unwrap();
    let refusals = report.matches("doit se trouver dans l'archive").count();
    assert_eq!(refusals, 2, "{report}");
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["ok"], 3, "{report}");
}

/// `serve --modeles DIR` reads statuts and priorités with DIR's vocabulaire.toml, as the
/// CLI does.
#[test]
fn the_server_reads_the_vocabulary_of_modeles() {
    let (path, models) = common::plan_and_models("serve-modeles");
    let plain = Server::start(&[]);
    let r: serde_json::Value =
        client().post(plain.at("/api/check")).multipart(plan_form(&path)).send().unwrap().json().unwrap();
    assert!(r.to_string().contains("statut-inconnu"), "{r}");
    let s = Server::start(&["--modeles", models.to_str().unwrap()]);
    let r: serde_json::Value =
        client().post(s.at("/api/check")).multipart(plan_form(&path)).send().unwrap().json().unwrap();
    assert_eq!(r["actions"], 2);
    assert!(r["diagnostics"].as_array().unwrap().is_empty(), "{r}");
}

/// `serve --modeles DIR` lays DIR's documents.toml over the documents' look, as `build
/// --modeles` does: in the API's documents and in a lot's, whose plans are read (in
/// child processes) with DIR's vocabulary too.
#[test]
fn the_servers_documents_follow_the_documents_toml_of_modeles() {
    let (path, models) = common::plan_and_models("serve-modeles-documents");
    let dir = path.parent().unwrap().to_path_buf();
    std::fs::write(
        models.join("documents.toml"),
        "[libelles]\nfiches = \"Fiches du projet social\"\naction = \"Fiche n°\"\n",
    )
    .unwrap();
    let s = Server::start(&["--modeles", models.to_str().unwrap()]);

    let r = client().post(s.at("/api/build")).multipart(plan_form(&path).text("documents", "fiches")).send().unwrap();
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let (name, pdf) = files.iter().find(|(n, _)| n.ends_with("fiches-actions.pdf")).expect("fiches");
    let text = pdf_text(&dir, name, pdf);
    assert!(text.contains("Fiches du projet social") && text.contains("Fiche n° 1"), "{text}");
    assert!(text.contains("Ouvrir une crèche"), "{text}");

    let plan_bytes = std::fs::read(&path).unwrap();
    let form = multipart::Form::new()
        .part("lot", multipart::Part::bytes(zip_of(&[("a/plan.xlsx", &plan_bytes)])).file_name("plans.zip"));
    let r = client().post(s.at("/api/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let report = String::from_utf8(files.iter().find(|(n, _)| n == "rapport-lot.json").unwrap().1.clone()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["ok"], 1, "« Stand-by » and « Urgente » are read with the vocabulary: {report}");
    let (name, pdf) = files.iter().find(|(n, _)| n.ends_with("fiches-actions.pdf")).expect("fiches du lot");
    let text = pdf_text(&dir, name, pdf);
    assert!(text.contains("Fiches du projet social") && text.contains("Fiche n° 1"), "{text}");

    // Without --modeles: the embedded labels.
    let plain = Server::start(&[]);
    let r =
        client().post(plain.at("/api/build")).multipart(plan_form(&path).text("documents", "fiches")).send().unwrap();
    assert_eq!(r.status(), 422, "« Stand-by » is unknown without the vocabulary");
}

/// `POST /api/evaluation` and the Évaluation page refuse another plan as the earlier
/// version, as `plandoc evaluation` does (`versions-differentes`); `forcer` overrides it.
#[test]
fn web_evaluation_refuses_an_unrelated_earlier_version_unless_forced() {
    let s = Server::start(&[]);
    let dir = tmpdir("serve-eval-versions");
    let form = || {
        plan_form(&sample("suivi-lauragais.xlsx"))
            .part("depuis", part(&sample("001-ctg-ambitions.xlsx")))
            .text("annee", "2026")
    };
    let r = client().post(s.at("/api/evaluation")).multipart(form()).send().unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "versions-differentes", "{v}");
    let msg = v["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.contains("« 001-ctg-ambitions.xlsx » et « suivi-lauragais.xlsx » ne semblent pas"), "{msg}");
    assert!(msg.contains("forcer") && !msg.contains("/tmp"), "{msg}");
    // The page says it too, and offers the box.
    let r = client().post(s.at("/evaluation")).multipart(form()).send().unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(page.contains("ne semblent pas être deux versions du même plan"), "{page}");
    let get = client().get(s.at("/evaluation")).send().unwrap().text().unwrap();
    assert!(get.contains("name=\"forcer\""), "{get}");
    // Forced: the reports, compared with the earlier file.
    let r = client().post(s.at("/api/evaluation")).multipart(form().text("forcer", "oui")).send().unwrap();
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let text = pdf_text(&dir, "evaluation.pdf", &files[0].1);
    assert!(text.contains("Ce qui a changé depuis la version précédente"), "{text}");
}

/// Every file under `dir`, as (path relative to it, bytes).
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The plans of a batch report, timings left out.
fn plan_lines(report: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut plans = report["plans"].as_array().unwrap().clone();
    for p in &mut plans {
        p.as_object_mut().unwrap().remove("ms");
    }
    plans
}

/// A ZIP of plans sent to the server is `plandoc batch` on the same folder: lock files
/// skipped, accented names kept in the report, messages naming paths inside the archive.
#[test]
fn a_lot_sent_to_the_server_reports_as_plandoc_batch_on_the_same_folder() {
    let root = tmpdir("serve-lot-batch");
    let plans = root.join("plans");
    std::fs::create_dir_all(plans.join("cassés")).unwrap();
    std::fs::create_dir_all(plans.join("Été 2026")).unwrap();
    std::fs::copy(sample(FORTY), plans.join("Été 2026/Plan d'action été.xlsx")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.ods"), plans.join("Été 2026/ctg.ods")).unwrap();
    // Names its logo, absent: a warning in both reports.
    std::fs::copy(sample("canonique-lauragais.xlsx"), plans.join("canonique.xlsx")).unwrap();
    std::fs::write(plans.join("cassés/tronqué.xlsx"), b"PK\x03\x04 pas un classeur").unwrap();
    std::fs::copy(bad_plan(&root), plans.join("cassés/erreurs.xlsx")).unwrap();
    // Lock files of Excel and LibreOffice: not plans.
    std::fs::copy(sample(FORTY), plans.join("Été 2026/~$Plan d'action été.xlsx")).unwrap();
    std::fs::write(plans.join("Été 2026/.~lock.ctg.ods#"), b"verrou").unwrap();
    let out = root.join("sortie");
    let cli = common::plandoc(&["batch", plans.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(cli.code, 1, "{}", cli.stderr);
    let batch: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("rapport-lot.json")).unwrap()).unwrap();

    let files = files_under(&plans);
    let entries: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let s = Server::start(&[]);
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(zip_of(&entries)).file_name("plans.zip"));
    let r = client().post(s.at("/api/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let got = unzip(&r.bytes().unwrap());
    let json = &got.iter().find(|(n, _)| n == "rapport-lot.json").unwrap().1;
    let web: serde_json::Value = serde_json::from_slice(json).unwrap();

    let inputs: Vec<&str> = web["plans"].as_array().unwrap().iter().map(|p| p["input"].as_str().unwrap()).collect();
    assert_eq!(
        inputs,
        [
            "canonique.xlsx",
            "cassés/erreurs.xlsx",
            "cassés/tronqué.xlsx",
            "Été 2026/Plan d'action été.xlsx",
            "Été 2026/ctg.ods"
        ]
    );
    assert_eq!((web["ok"].as_u64(), web["errors"].as_u64()), (Some(3), Some(2)), "{web}");
    assert_eq!(plan_lines(&web), plan_lines(&batch));
    // No path of the server in anything the user reads.
    let text = String::from_utf8_lossy(json);
    let tmp = std::env::temp_dir().display().to_string();
    assert!(!text.contains(&tmp) && !text.contains("travail") && !text.contains("plandoc-"), "{text}");
    assert!(text.contains("« cassés/tronqué.xlsx »"), "{text}");

    // The page: the same names, no server path.
    let c = client();
    let form = multipart::Form::new().part("lot", multipart::Part::bytes(zip_of(&entries)).file_name("plans.zip"));
    let r = c.post(s.at("/lot")).multipart(form).send().unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let start = Instant::now();
    let page = loop {
        let page = c.get(s.at(&to)).send().unwrap().text().unwrap();
        if !page.contains("http-equiv=\"refresh\"") {
            break page;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "lot never ends");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(page.contains("5 plans : 3 construits, 2 en échec."), "{page}");
    assert!(page.contains("cassés/tronqué.xlsx") && !page.contains(&tmp), "{page}");
}

/// Uploads are read by the isolated reader under its watchdog: a file that makes the
/// reader hang costs its request only, answered in French, and the server goes on.
#[test]
fn uploads_are_read_in_the_isolated_reader() {
    let s = Server::start_with_env(&[], &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", Path::new("temps:gel.xlsx"))]);
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let frozen = multipart::Form::new().part("plan", multipart::Part::bytes(forty.clone()).file_name("gel.xlsx"));
    let start = Instant::now();
    let r = client().post(s.at("/api/check")).multipart(frozen).send().unwrap();
    assert_eq!(r.status(), 422);
    assert!(start.elapsed() < Duration::from_secs(30));
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "lecture-abandonnee", "{v}");
    let msg = v["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.starts_with("« gel.xlsx » : lecture abandonnée"), "{msg}");
    // The same for the documents.
    let frozen = multipart::Form::new().part("plan", multipart::Part::bytes(forty.clone()).file_name("gel.xlsx"));
    let r = client().post(s.at("/api/build")).multipart(frozen).send().unwrap();
    assert_eq!(r.status(), 422);
    // The next upload is read as usual.
    let r = client().post(s.at("/api/check")).multipart(plan_form(&sample(FORTY))).send().unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["file"], FORTY, "{v}");
    assert_eq!(v["actions"], 40, "{v}");
}

/// « Action » holds the kind of each action (empty on two rows), the titles are under « Détail ».
fn misread_plan(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("plan-mal-lu.xlsx");
    let t = |s: &'static str| if s.is_empty() { C::E } else { C::T(s) };
    let rows: Vec<Vec<C>> = [
        ["Axe", "Action", "Détail", "Pilote"],
        ["Axe 1 Familles", "Atelier", "Ouvrir un lieu d'accueil parents-enfants", "CCAS"],
        ["Axe 1 Familles", "", "Former les assistantes maternelles", "RPE"],
        ["Axe 2 Jeunesse", "Atelier", "Créer un conseil municipal des jeunes", "Mairie"],
        ["Axe 2 Jeunesse", "", "Réunir les clubs sportifs chaque trimestre", "Mairie"],
        ["Axe 2 Jeunesse", "Réunion", "Proposer un chantier d'été aux 16-18 ans", "Mission locale"],
    ]
    .iter()
    .map(|r| r.iter().map(|s| t(s)).collect())
    .collect();
    write_xlsx(&file, &[("Plan", rows)]);
    file
}

/// The hidden "what was shown" fields and every select of the correction form, as sent.
fn correction_form(page: &str, change: &[(&str, &str)]) -> multipart::Form {
    let mut form = multipart::Form::new();
    for (name, value) in hidden_and_selected(page) {
        let sent = change.iter().find(|(n, _)| *n == name).map_or(value.clone(), |(_, v)| v.to_string());
        form = form.text(name, sent);
    }
    form
}

/// (name, value) of the form's hidden inputs, its number input and each select's chosen option.
fn hidden_and_selected(page: &str) -> Vec<(String, String)> {
    let form = &page[page.find("class=\"correction\"").expect("correction form")..];
    let form = &form[..form.find("</form>").unwrap()];
    let attr = |tag: &str, a: &str| tag.split(&format!("{a}=\"")).nth(1).map(|v| v[..v.find('"').unwrap()].to_string());
    let mut out = Vec::new();
    for tag in form.split('<').skip(1) {
        if tag.starts_with("input") {
            if let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value")) {
                out.push((n, v));
            }
        } else if tag.starts_with("select") {
            let name = attr(tag, "name").unwrap();
            let rest = &form[form.find(&format!("name=\"{name}\"")).unwrap()..];
            let rest = &rest[..rest.find("</select>").unwrap()];
            let chosen = rest.split("<option").find(|o| o.contains(" selected")).and_then(|o| attr(o, "value"));
            out.push((name, chosen.unwrap_or_default()));
        }
    }
    out
}

#[test]
fn the_reading_is_corrected_on_the_contrôle_page_and_follows_to_the_documents() {
    let s = Server::start(&[]);
    let c = client();
    let dir = tmpdir("serve-correction");
    let file = misread_plan(&dir);
    let original = std::fs::read(&file).unwrap();
    let r = c.post(s.at("/controle")).multipart(plan_form(&file)).send().unwrap();
    let page = r.text().unwrap();
    assert!(page.contains("2 erreurs, 0 avertissement"), "{page}");
    assert!(page.contains("titre-manquant"));
    assert!(!page.contains("Continuer vers les documents"));
    let id = page.split("action=\"/controle/").nth(1).expect("correction form")[..32].to_string();
    let shown = hidden_and_selected(&page);
    assert!(shown.contains(&("colonne-B".into(), "action".into())), "{shown:?}");
    assert!(shown.contains(&("colonne-C".into(), "description".into())), "{shown:?}");
    assert!(shown.contains(&("colonne-A".into(), "niveau_1".into())), "{shown:?}");

    // « Relire » with column C as the title: no error left, on to the documents.
    let form = correction_form(&page, &[("colonne-C", "action"), ("colonne-B", "garder")]);
    let r = c.post(s.at(&format!("/controle/{id}"))).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    assert!(page.contains("<strong>5 actions</strong>") && page.contains("0 erreur, 0 avertissement"), "{page}");
    assert!(page.contains("Continuer vers les documents"));
    let shown = hidden_and_selected(&page);
    assert!(shown.contains(&("colonne-C".into(), "action".into())), "{shown:?}");
    assert!(shown.contains(&("colonne-B".into(), "garder".into())), "{shown:?}");

    // The correction as plandoc.toml: beside the untouched file, `check` reads the corrected plan.
    let toml = c.get(s.at(&format!("/controle/{id}/plandoc.toml"))).send().unwrap().text().unwrap();
    assert!(
        toml.contains("[colonnes]") && toml.contains("action = \"C\"") && toml.contains("garder = \"B\""),
        "{toml}"
    );
    let beside = tmpdir("serve-correction-toml");
    std::fs::copy(&file, beside.join("plan.xlsx")).unwrap();
    std::fs::write(beside.join("plandoc.toml"), &toml).unwrap();
    let out = plandoc(&["check", beside.join("plan.xlsx").to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((out.code, v["actions"].as_u64()), (0, Some(5)), "{v}");

    // The workbook copy with a « Colonnes » sheet reads the same, alone; the upload is unchanged.
    let r = c.get(s.at(&format!("/controle/{id}/classeur-corrige.xlsx"))).send().unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("classeur-corrige.xlsx"));
    let copy = dir.join("copie").join("classeur-corrige.xlsx");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::write(&copy, r.bytes().unwrap()).unwrap();
    {
        use calamine::Reader;
        let mut wb = calamine::open_workbook_auto(&copy).unwrap();
        assert_eq!(wb.sheet_names(), ["Plan", "Colonnes"]);
        let cols = wb.worksheet_range("Colonnes").unwrap();
        let rows: Vec<String> = cols.rows().map(|r| format!("{}={}", r[0], r[1])).collect();
        assert!(rows.contains(&"action=C".to_string()) && rows.contains(&"garder=B".to_string()), "{rows:?}");
    }
    let out = plandoc(&["check", copy.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((out.code, v["actions"].as_u64()), (0, Some(5)), "{v}");
    assert!(v["columns"].as_array().unwrap().iter().any(|c| c["column"] == "C" && c["field"] == "action"), "{v}");
    assert_eq!(std::fs::read(&file).unwrap(), original);

    // The Documents form marks what the plan does not say; the fiches carry the titles of C.
    let docs = c.get(s.at(&format!("/documents/{id}"))).send().unwrap().text().unwrap();
    assert!(docs.contains("Nom de la collectivité <span class=\"a-completer\">à compléter</span>"), "{docs}");
    assert!(docs.contains("Titre du plan <span class=\"a-completer\">à compléter</span>"), "{docs}");
    let form = multipart::Form::new().text("documents", "fiches").text("collectivite", "Commune de Sénan");
    let r = c.post(s.at(&format!("/documents/{id}"))).multipart(form).send().unwrap();
    assert_eq!(r.status(), 303);
    let z = c.get(s.at(&format!("/resultats/{id}/documents.zip"))).send().unwrap().bytes().unwrap();
    let files = unzip(&z);
    let text = pdf::squash(&pdf_text(&dir, "fiches.pdf", &files[0].1));
    for title in ["Former les assistantes maternelles", "Réunir les clubs sportifs chaque trimestre"] {
        assert!(text.contains(&pdf::squash(title)), "{title} : {text}");
    }
    assert!(text.contains(&pdf::squash("Commune de Sénan")), "{text}");
}

#[test]
fn the_documents_form_is_prefilled_with_what_the_plan_says() {
    let s = Server::start(&[]);
    let c = client();
    let dir = tmpdir("serve-prefill");
    let file = dir.join("plan.xlsx");
    let plan = common::rows(&[&["Axe", "Action", "Pilote"], &["Axe 1", "Ouvrir une crèche", "CCAS"]]);
    let convention = common::rows(&[
        &["Collectivité", "Commune de Sénan"],
        &["Titre", "Projet social de territoire 2025-2029"],
        &["Numéro de délibération", "2025_14"],
    ]);
    write_xlsx(&file, &[("Plan", plan), ("Convention", convention)]);
    let page = c.post(s.at("/controle")).multipart(plan_form(&file)).send().unwrap().text().unwrap();
    let id = page.split("/documents/").nth(1).expect("ready")[..32].to_string();
    let docs = c.get(s.at(&format!("/documents/{id}"))).send().unwrap().text().unwrap();
    assert!(docs.contains("name=\"collectivite\" value=\"Commune de Sénan\""), "{docs}");
    assert!(docs.contains("name=\"titre\" value=\"Projet social de territoire 2025-2029\""), "{docs}");
    assert!(docs.contains("name=\"deliberation\" value=\"2025_14\""), "{docs}");
    assert!(!docs.contains("class=\"a-completer\""), "{docs}");
}

#[test]
fn the_documents_come_in_reading_order_with_their_workbooks_in_the_format_chosen() {
    let s = Server::start(&[]);
    let c = client();
    let r = c.post(s.at("/controle")).multipart(plan_form(&sample("canonique-lauragais.xlsx"))).send().unwrap();
    let page = r.text().unwrap();
    let id = page.split("/documents/").nth(1).unwrap()[..32].to_string();
    let form_page = c.get(s.at(&format!("/documents/{id}"))).send().unwrap().text().unwrap();
    for value in ["xlsx", "ods", "xlsx,ods"] {
        assert!(form_page.contains(&format!("name=\"tableur\" value=\"{value}\"")), "{form_page}");
    }
    let form = multipart::Form::new().text("documents", "fiches,echeancier,plan,annexe").text("tableur", "xlsx,ods");
    let r = c.post(s.at(&format!("/documents/{id}"))).multipart(form).send().unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(s.at(&format!("/resultats/{id}"))).send().unwrap().text().unwrap();
    // Cards titled by the document, in the documents' reading order.
    let titles: Vec<&str> = page.split("<h2>").skip(1).map(|t| t.split("</h2>").next().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Plan d'actions annexé à la délibération",
            "Fiches actions",
            "Échéancier",
            "Annexe consolidée (classeur Excel)",
            "Annexe consolidée (classeur OpenDocument)"
        ]
    );
    // The ZIP is named after the plan.
    assert!(page.contains("download=\"canonique-lauragais-documents.zip\""), "{page}");
    let r = c.get(s.at(&format!("/resultats/{id}/documents.zip"))).send().unwrap();
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"canonique-lauragais-documents.zip\"");
    let files = unzip(&r.bytes().unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"annexe.ods") && names.contains(&"annexe.xlsx"), "{names:?}");
    let ods = &files.iter().find(|(n, _)| n == "annexe.ods").unwrap().1;
    assert_eq!(&ods[30..38], b"mimetype", "the ODS opens with its media type");
    let r = c.get(s.at(&format!("/resultats/{id}/annexe.ods"))).send().unwrap();
    assert_eq!(r.headers()["content-type"], "application/vnd.oasis.opendocument.spreadsheet");

    // The evaluation form offers the choice too; an unknown one is refused in French.
    let eval = c.get(s.at("/evaluation")).send().unwrap().text().unwrap();
    assert!(eval.contains("name=\"tableur\" value=\"ods\""), "{eval}");
    let form = plan_form(&sample("suivi-lauragais.xlsx")).text("tableur", "csv");
    let r = c.post(s.at("/evaluation")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("ormat de tableur « csv » inconnu"));
    let form = plan_form(&sample("suivi-lauragais.xlsx")).text("tableur", "ods");
    let r = c.post(s.at("/evaluation")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(s.at(&to)).send().unwrap().text().unwrap();
    let titles: Vec<&str> = page.split("<h2>").skip(1).map(|t| t.split("</h2>").next().unwrap()).collect();
    assert_eq!(titles, ["Rapport d'évaluation", "Évaluation (classeur OpenDocument)"]);
    assert!(page.contains("download=\"suivi-lauragais-evaluation.zip\""), "{page}");

    // The Lot page says where a single workbook goes, and refuses one with the same words.
    let lot = c.get(s.at("/lot")).send().unwrap().text().unwrap();
    assert!(lot.contains("Un seul classeur ? Déposez-le sur la page <a href=\"/\">Accueil</a>"), "{lot}");
    let form = multipart::Form::new().part("lot", part(&sample("canonique-lauragais.xlsx")));
    let r = c.post(s.at("/lot")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(page.contains("est un classeur, pas une archive ZIP de plans"), "{page}");
    assert!(page.contains("Accueil"), "{page}");
}

#[test]
fn api_synthese_answers_a_zip_of_the_two_files_under_the_lot_limits() {
    let s = Server::start(&["--taille-max", "4"]);
    let dir = tmpdir("serve-synthese");
    let followed = std::fs::read(sample("suivi-lauragais.xlsx")).unwrap();
    let plain = std::fs::read(sample("001-ctg-ambitions.xlsx")).unwrap();
    let archive = zip_of(&[("sud/suivi.xlsx", &followed), ("ctg.xlsx", &plain), ("casse.xlsx", b"rien")]);
    let post = |archive: Vec<u8>, year: &str| {
        let form = multipart::Form::new()
            .part("lot", multipart::Part::bytes(archive).file_name("plans.zip"))
            .text("annee", year.to_string())
            .text("titre", "Bilan du Lauragais");
        client().post(s.at("/api/synthese")).multipart(form).send().unwrap()
    };
    let r = post(archive.clone(), "2026");
    assert_eq!(r.status(), 200);
    let files = unzip(&r.bytes().unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["synthese.pdf", "synthese.xlsx"]);
    let text = pdf_text(&dir, "synthese.pdf", &files[0].1);
    let squashed = pdf::squash(&text);
    assert!(squashed.contains(&pdf::squash("Bilan du Lauragais")), "{text}");
    assert!(squashed.contains(&pdf::squash("Communauté de communes des Terres du Lauragais")), "{text}");
    assert!(text.contains("casse.xlsx") && text.contains("ctg.xlsx"), "{text}");
    // Never the server's work folder in what it says.
    assert!(!text.contains("/tmp") && !text.contains("plandoc-synthese"), "{text}");
    let x = dir.join("synthese.xlsx");
    std::fs::write(&x, &files[1].1).unwrap();
    let mut wb = calamine::open_workbook_auto(&x).unwrap();
    let plans = calamine::Reader::worksheet_range(&mut wb, "Plans").unwrap();
    assert_eq!(plans.rows().count(), 3, "en-tête, le plan suivi, l'ensemble");
    // A wrong year, an archive without followed plans, a path leaving the folder.
    let r = post(archive, "deux mille");
    assert_eq!(r.status(), 422);
    let r = post(zip_of(&[("ctg.xlsx", &plain)]), "");
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().unwrap();
    assert!(v["erreur"].as_str().unwrap().contains("aucun plan avec des données de suivi"), "{v}");
    let r = post(zip_of(&[("../../evil.xlsx", &followed)]), "");
    assert_eq!(r.status(), 422);
}

/// No path of the server in anything the web answers: refusals of single uploads (API
/// and pages), of an evaluation, of a lot and of a synthesis name the files as they were
/// sent, never the folders the server read them from.
#[test]
fn no_server_path_in_any_web_message() {
    let root = tmpdir("serve-no-path");
    let s = Server::start(&[]);
    let broken = || multipart::Part::bytes(b"PK\x03\x04 pas un classeur".to_vec()).file_name("cassés/tronqué.xlsx");
    let with_plan = |p: multipart::Part| multipart::Form::new().part("plan", p);
    let zip = zip_of(&[
        ("Été/tronqué.xlsx", b"PK\x03\x04 pas un classeur"),
        ("Été/canonique.xlsx", &std::fs::read(sample("canonique-lauragais.xlsx")).unwrap()),
    ]);
    let lot = || multipart::Form::new().part("lot", multipart::Part::bytes(zip.clone()).file_name("plans.zip"));
    let not_zip =
        || multipart::Form::new().part("lot", multipart::Part::bytes(b"pas un zip".to_vec()).file_name("a.zip"));
    let garbage_logo = || {
        plan_form(&sample(FORTY)).part("logo", multipart::Part::bytes(b"pas une image".to_vec()).file_name("logo.png"))
    };
    let requests: Vec<(&str, multipart::Form)> = vec![
        ("/api/check", with_plan(broken())),
        ("/api/build", with_plan(broken())),
        ("/api/build", plan_form(&bad_plan(&root))),
        ("/api/build", garbage_logo()),
        ("/api/evaluation", plan_form(&sample("001-ctg-ambitions.xlsx"))),
        ("/api/evaluation", plan_form(&sample("suivi-lauragais.xlsx")).part("depuis", broken())),
        ("/api/lot", not_zip()),
        ("/api/synthese", not_zip()),
        ("/api/synthese", lot()),
        ("/controle", with_plan(broken())),
        ("/evaluation", plan_form(&sample("suivi-lauragais.xlsx")).part("depuis", broken())),
        ("/lot", not_zip()),
        ("/synthese", not_zip()),
    ];
    let tmp = std::env::temp_dir().display().to_string();
    let c = client();
    let mut answers = Vec::new();
    // A page that runs its job in the background answers on its results page, reloaded
    // until the job is over: every version of it is read.
    let mut post = |path: &'static str, form: multipart::Form| {
        let r = c.post(s.at(path)).multipart(form).send().unwrap();
        if r.status() != StatusCode::SEE_OTHER {
            assert!(r.status().is_client_error(), "{path}: {}", r.status());
            answers.push((path, r.text().unwrap()));
            return;
        }
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let start = Instant::now();
        loop {
            let page = c.get(s.at(&to)).send().unwrap().text().unwrap();
            let over = !page.contains("http-equiv=\"refresh\"");
            answers.push((path, page));
            if over {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "{path} never ends");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    for (path, form) in requests {
        post(path, form);
    }
    // A lot that runs: its report, as a page and as a file.
    post("/lot", lot());
    let r = c.post(s.at("/api/lot")).multipart(lot()).send().unwrap();
    assert_eq!(r.status(), 200);
    let got = unzip(&r.bytes().unwrap());
    for (name, bytes) in got.iter().filter(|(n, _)| n.ends_with(".json")) {
        answers.push(("/api/lot", format!("{name}: {}", String::from_utf8_lossy(bytes))));
    }
    for (path, text) in &answers {
        assert!(!text.contains(&tmp) && !text.contains("/travail"), "{path} shows a server path: {text}");
    }
    let all: String = answers.iter().map(|(_, t)| t.as_str()).collect();
    assert!(all.contains("tronqué.xlsx") && all.contains("Été/canonique.xlsx"), "files named as sent: {all}");
}
