//! The pages in a real browser (Debian's chromium, driven by chromedriver over WebDriver):
//! upload a sample, read its counts and diagnostics, fill the deliberation form, download
//! the ZIP and read its PDFs; axe-core finds no WCAG 2.1 AA violation on any page.
//! Needs chromium, chromedriver and axe-core (.ci/run installs them); without them the
//! test fails under CI=true and says loudly that it skipped otherwise.

mod common;

use std::io::{Cursor, Read};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::server::Server;
use common::{bad_plan, sample, tmpdir, write_xlsx, C};
use fantoccini::{Client, ClientBuilder, Locator};

const AXE: &str = ".ci/npm/node_modules/axe-core/axe.min.js";

fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(cmd)).find(|p| p.is_file())
}

/// The tools, or why the test cannot run (a failure under CI=true).
fn tools() -> Option<(PathBuf, PathBuf, String)> {
    let axe = common::root().join(AXE);
    let found = (
        which("chromium").or_else(|| which("chromium-browser")),
        which("chromedriver"),
        std::fs::read_to_string(&axe).ok(),
    );
    match found {
        (Some(c), Some(d), Some(a)) => Some((c, d, a)),
        (c, d, a) => {
            let msg = format!(
                "TEST NAVIGATEUR SAUTÉ : chromium {}, chromedriver {}, axe-core {} ({}). Lancez .ci/run ou \
                 apt-get install chromium chromium-driver et npm install --prefix .ci/npm axe-core.",
                if c.is_some() { "présent" } else { "ABSENT" },
                if d.is_some() { "présent" } else { "ABSENT" },
                if a.is_some() { "présent" } else { "ABSENT" },
                axe.display()
            );
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{msg}");
            }
            eprintln!("\n*** {msg} ***\n");
            None
        }
    }
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// True when chromedriver answers its `/status` as ready on `port`. A bare TCP connect is
/// not enough: polling a port in the ephemeral range can connect the socket to itself (TCP
/// simultaneous open) and then keep chromedriver from binding it.
fn driver_ready(port: u16) -> bool {
    use std::io::Write;
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let ask = format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if s.write_all(ask.as_bytes()).is_err() {
        return false;
    }
    // chromedriver may keep the connection open after its answer: read until "ready" shows.
    let (mut answer, mut buf) = (Vec::new(), [0u8; 1024]);
    while let Ok(n @ 1..) = s.read(&mut buf) {
        answer.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&answer).contains("\"ready\":true") {
            return true;
        }
    }
    false
}

/// chromedriver on a free port, once it answers; `None` if it exited or stayed silent 20 s.
fn start_driver(driver: &Path) -> Option<(Driver, String)> {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut d = Driver(child);
    let start = Instant::now();
    while !driver_ready(port) {
        if d.0.try_wait().ok().flatten().is_some() || start.elapsed() > Duration::from_secs(20) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((d, format!("http://127.0.0.1:{port}")))
}

/// A browser session, its chromedriver kept alive beside it. Three attempts, each on a fresh
/// port and profile: a port taken between its choice and chromedriver's bind, or a driver
/// that dies starting, is the machine's accident, not the page's.
async fn open_browser(driver: &Path, chromium: &Path, profile: &Path, downloads: &Path) -> (Driver, Client) {
    let mut last = String::new();
    for attempt in 1..=3 {
        let Some((d, webdriver)) = start_driver(driver) else {
            last = format!("tentative {attempt} : chromedriver ne répond pas");
            continue;
        };
        let profile = profile.with_extension(attempt.to_string());
        match browser(&webdriver, chromium, &profile, downloads).await {
            Ok(c) => return (d, c),
            Err(e) => last = format!("tentative {attempt} : {e:?}"),
        }
    }
    panic!("a browser session after three attempts: {last}")
}

async fn browser(
    webdriver: &str,
    chromium: &Path,
    profile: &Path,
    downloads: &Path,
) -> Result<Client, fantoccini::error::NewSessionError> {
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "plugins.always_open_pdf_externally": true,
            }
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector).capabilities(caps).connect(webdriver).await
}

/// axe-core's WCAG 2.0/2.1 A and AA rules on the current page: the violations found.
async fn axe(c: &Client, source: &str) -> Vec<String> {
    c.execute(source, vec![]).await.expect("axe injected");
    let script = "const done = arguments[arguments.length - 1];\
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
          .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + ') : ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\
          .catch(e => done(['axe a échoué : ' + e]));";
    let v = c.execute_async(script, vec![]).await.expect("axe runs");
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or("").to_string()).collect()
}

async fn check_page(c: &Client, source: &str, what: &str) {
    let lang = c.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("fr"), "{what}");
    let v = axe(c, source).await;
    assert!(v.is_empty(), "axe-core, page {what} : {v:#?}");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

#[test]
fn a_person_gets_the_documents_in_a_real_browser() {
    let Some((chromium, driver, axe_source)) = tools() else { return };
    let dir = tmpdir("browser");
    let downloads = dir.join("telechargements");
    std::fs::create_dir_all(&downloads).unwrap();
    let server = Server::start(&[]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (_driver, c) = open_browser(&driver, &chromium, &dir.join("profil"), &downloads).await;
        let run = async {
            for (path, what) in [("/", "Accueil"), ("/evaluation", "Évaluation"), ("/lot", "Lot")] {
                c.goto(&server.at(path)).await.unwrap();
                check_page(&c, &axe_source, what).await;
            }

            // axe is live: a field without a label, added on purpose, is reported.
            c.execute("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>');", vec![])
                .await
                .unwrap();
            let v = axe(&c, &axe_source).await;
            assert!(v.iter().any(|x| x.starts_with("label ")), "{v:?}");

            // A plan with errors: the diagnostics at their cells, the cells highlighted.
            c.goto(&server.at("/")).await.unwrap();
            let bad = bad_plan(&dir);
            c.find(Locator::Id("plan")).await.unwrap().send_keys(bad.to_str().unwrap()).await.unwrap();
            c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
            assert_eq!(text_of(&c, "#nombre-actions").await, "2 actions");
            let errors = text_of(&c, "#diagnostics-erreur").await;
            assert!(errors.contains("feuille « Plan », cellule B3") && errors.contains("numero-en-double"), "{errors}");
            assert!(text_of(&c, "td.cite-erreur").await.contains("[erreur]"));
            check_page(&c, &axe_source, "Contrôle (erreurs)").await;

            // The 40-action sample, then the deliberation form.
            c.goto(&server.at("/")).await.unwrap();
            let forty = sample("000-pst-ambitions-texte.xlsx");
            c.find(Locator::Id("plan")).await.unwrap().send_keys(forty.to_str().unwrap()).await.unwrap();
            let logo = sample("logo-lauragais.png");
            c.find(Locator::Id("logo")).await.unwrap().send_keys(logo.to_str().unwrap()).await.unwrap();
            c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
            assert_eq!(text_of(&c, "#nombre-actions").await, "40 actions");
            assert_eq!(text_of(&c, "#bilan").await, "0 erreur, 0 avertissement.");
            check_page(&c, &axe_source, "Contrôle").await;
            c.find(Locator::LinkText("Continuer vers les documents")).await.unwrap().click().await.unwrap();
            let field = c.wait().for_element(Locator::Id("deliberation")).await.unwrap();
            check_page(&c, &axe_source, "Documents (formulaire)").await;
            field.send_keys("2026_01").await.unwrap();
            c.execute("document.getElementById('date_deliberation').value = '2026-01-29';", vec![]).await.unwrap();
            c.find(Locator::Id("collectivite")).await.unwrap().send_keys("Communauté d'essai").await.unwrap();
            c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
            let all = c.wait().at_most(Duration::from_secs(60)).for_element(Locator::Id("tout")).await.unwrap();
            check_page(&c, &axe_source, "Documents (résultats)").await;
            all.click().await.unwrap();

            // The lot page too, through to its report.
            c.goto(&server.at("/lot")).await.unwrap();
            let archive = dir.join("plans.zip");
            let mut z = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
            z.start_file("a.xlsx", zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut z, &std::fs::read(&forty).unwrap()).unwrap();
            z.finish().unwrap();
            c.find(Locator::Id("lot")).await.unwrap().send_keys(archive.to_str().unwrap()).await.unwrap();
            c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
            let bilan = text_of(&c, "#bilan-lot").await;
            assert!(bilan.contains("1 plan : 1 construits, 0 en échec"), "{bilan}");
            check_page(&c, &axe_source, "Lot (rapport)").await;

            // Évaluation through to its reports, and an error page.
            c.goto(&server.at("/evaluation")).await.unwrap();
            let followed = sample("suivi-lauragais.xlsx");
            c.find(Locator::Id("plan")).await.unwrap().send_keys(followed.to_str().unwrap()).await.unwrap();
            c.find(Locator::Id("annee")).await.unwrap().send_keys("2026").await.unwrap();
            c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
            let listed = text_of(&c, ".documents").await;
            assert!(listed.contains("evaluation.pdf") && listed.contains("evaluation.xlsx"), "{listed}");
            check_page(&c, &axe_source, "Évaluation (résultats)").await;
            c.goto(&server.at("/resultats/0123456789abcdef0123456789abcdef")).await.unwrap();
            assert!(text_of(&c, "[role=alert]").await.contains("introuvables ou expirés"));
            check_page(&c, &axe_source, "erreur").await;
        };
        run.await;
        c.close().await.unwrap();
    });

    // The ZIP the browser downloaded, named after the plan: the PDFs carry the deliberation.
    let zip_path = downloads.join("000-pst-ambitions-texte-documents.zip");
    let start = Instant::now();
    while !zip_path.is_file() {
        assert!(start.elapsed() < Duration::from_secs(30), "no download in {}", downloads.display());
        std::thread::sleep(Duration::from_millis(100));
    }
    let bytes = std::fs::read(&zip_path).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        if name.ends_with(".pdf") {
            let p = dir.join(&name);
            std::fs::write(&p, &b).unwrap();
            let text = common::pdf::text(&p);
            assert!(text.contains("Délibération n° 2026_01"), "{name}");
        }
        names.push(name);
    }
    names.sort();
    assert_eq!(names, ["annexe.xlsx", "echeancier.pdf", "fiches-actions.pdf", "plan-d-actions.pdf"]);
}

#[test]
fn a_person_gets_a_synthesis_in_a_real_browser() {
    let Some((chromium, driver, axe_source)) = tools() else { return };
    let dir = tmpdir("browser-synthese");
    let downloads = dir.join("telechargements");
    std::fs::create_dir_all(&downloads).unwrap();
    let archive = dir.join("plans.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
    for (name, bytes) in [
        ("sud/suivi.xlsx", std::fs::read(sample("suivi-lauragais.xlsx")).unwrap()),
        ("nord/ctg.xlsx", std::fs::read(sample("001-ctg-ambitions.xlsx")).unwrap()),
        ("casse.xlsx", b"pas un classeur".to_vec()),
    ] {
        z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut z, &bytes).unwrap();
    }
    z.finish().unwrap();
    let server = Server::start(&[]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (_driver, c) = open_browser(&driver, &chromium, &dir.join("profil"), &downloads).await;
        let run = async {
            c.goto(&server.at("/")).await.unwrap();
            c.find(Locator::LinkText("Synthèse")).await.unwrap().click().await.unwrap();
            let field = c.wait().for_element(Locator::Id("lot")).await.unwrap();
            check_page(&c, &axe_source, "Synthèse").await;
            field.send_keys(archive.to_str().unwrap()).await.unwrap();
            c.find(Locator::Id("annee")).await.unwrap().send_keys("2026").await.unwrap();
            c.find(Locator::Id("titre")).await.unwrap().send_keys("Bilan 2026 du Lauragais").await.unwrap();
            c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
            // Progress first (the page reloads itself), then the two files.
            let listed = text_of(&c, ".documents").await;
            assert!(listed.contains("synthese.pdf") && listed.contains("synthese.xlsx"), "{listed}");
            check_page(&c, &axe_source, "Synthèse (résultats)").await;
            c.find(Locator::Id("tout")).await.unwrap().click().await.unwrap();
            // The browser stays open until its download is complete.
            let start = Instant::now();
            while !downloads.join("synthese.zip").is_file() {
                assert!(start.elapsed() < Duration::from_secs(30), "no download in {}", downloads.display());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        run.await;
        c.close().await.unwrap();
    });
    let zip_path = downloads.join("synthese.zip");
    let mut z = zip::ZipArchive::new(Cursor::new(std::fs::read(&zip_path).unwrap())).unwrap();
    let mut pdf = Vec::new();
    z.by_name("synthese.pdf").unwrap().read_to_end(&mut pdf).unwrap();
    let p = dir.join("synthese.pdf");
    std::fs::write(&p, &pdf).unwrap();
    let text = common::pdf::squash(&common::pdf::text(&p));
    for s in
        ["Bilan 2026 du Lauragais", "Communauté de communes des Terres du Lauragais", "casse.xlsx", "nord/ctg.xlsx"]
    {
        assert!(text.contains(&common::pdf::squash(s)), "{s}");
    }
}

/// « Action » holds the kind of each action (empty on two rows), the titles are under
/// « Détail »; 25 columns in all, the last ones wordy.
fn misread_wide_plan(dir: &Path) -> PathBuf {
    let file = dir.join("plan-mal-lu.xlsx");
    let titles = [
        ("Axe 1 Familles", "Atelier", "Ouvrir un lieu d'accueil parents-enfants"),
        ("Axe 1 Familles", "", "Former les assistantes maternelles"),
        ("Axe 2 Jeunesse", "Atelier", "Créer un conseil municipal des jeunes"),
        ("Axe 2 Jeunesse", "", "Réunir les clubs sportifs chaque trimestre"),
        ("Axe 2 Jeunesse", "Réunion", "Proposer un chantier d'été aux 16-18 ans"),
    ];
    let headers: Vec<String> = ["Axe", "Action", "Détail", "Pilote"]
        .iter()
        .map(|s| s.to_string())
        .chain((5..=25).map(|i| format!("Observation {i}")))
        .collect();
    let long = "Une remarque assez longue pour devoir passer à la ligne dans la vue de la feuille";
    let mut rows: Vec<Vec<C>> = vec![headers.iter().map(|h| C::T(h.as_str())).collect()];
    for (axis, kind, title) in titles {
        let mut r = vec![C::T(axis), if kind.is_empty() { C::E } else { C::T(kind) }, C::T(title), C::T("CCAS")];
        r.extend((5..=25).map(|_| C::T(long)));
        rows.push(r);
    }
    write_xlsx(&file, &[("Plan d'actions", rows)]);
    file
}

#[test]
fn a_person_corrects_the_reading_in_a_real_browser() {
    let Some((chromium, driver, axe_source)) = tools() else { return };
    let dir = tmpdir("browser-correction");
    let downloads = dir.join("telechargements");
    std::fs::create_dir_all(&downloads).unwrap();
    let server = Server::start(&[]);
    let file = misread_wide_plan(&dir);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (_driver, c) = open_browser(&driver, &chromium, &dir.join("profil"), &downloads).await;
        c.goto(&server.at("/")).await.unwrap();
        c.find(Locator::Id("plan")).await.unwrap().send_keys(file.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
        assert_eq!(text_of(&c, "#bilan").await, "2 erreurs, 0 avertissement.");
        check_page(&c, &axe_source, "Contrôle (lecture à corriger)").await;

        // A diagnostic leads to its cell: the cell is the page's target, visibly outlined.
        let link = c.find(Locator::Css("#diagnostics-erreur a[href='#cellule-B3']")).await.unwrap();
        assert_eq!(link.text().await.unwrap(), "feuille « Plan d'actions », cellule B3");
        link.click().await.unwrap();
        let target = c
            .execute(
                "const t = document.querySelector(':target'); const s = getComputedStyle(t); \
                 const r = t.getBoundingClientRect(); const v = t.closest('.feuille').getBoundingClientRect(); \
                 return [t.id, s.outlineStyle, r.top >= v.top && r.bottom <= v.bottom];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(target, serde_json::json!(["cellule-B3", "solid", true]));
        // 25 columns stay readable: each at least 8rem, the text wrapped, the header row and
        // the row numbers frozen, the sheet scrolled sideways rather than squeezed.
        let look = c
            .execute(
                "const f = document.querySelector('.feuille'); const td = document.getElementById('cellule-Y2'); \
                 const th = f.querySelector('thead th'); const row = f.querySelector('tbody th'); \
                 return [td.getBoundingClientRect().width >= 128, td.getBoundingClientRect().height > 40, \
                 getComputedStyle(th).position, getComputedStyle(row).position, f.scrollWidth > f.clientWidth];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(look, serde_json::json!([true, true, "sticky", "sticky", true]));

        // Column C holds the titles: change its select, « Relire ».
        let select = c.find(Locator::Id("colonne-C")).await.unwrap();
        select.select_by_value("action").await.unwrap();
        c.find(Locator::Id("relire")).await.unwrap().click().await.unwrap();
        assert_eq!(text_of(&c, "#bilan").await, "0 erreur, 0 avertissement.");
        assert_eq!(text_of(&c, "#nombre-actions").await, "5 actions");
        let chosen = c.find(Locator::Css("#colonne-C option[selected]")).await.unwrap().attr("value").await.unwrap();
        assert_eq!(chosen.as_deref(), Some("action"));
        check_page(&c, &axe_source, "Contrôle (lecture corrigée)").await;
        c.find(Locator::LinkText("plandoc.toml")).await.unwrap().click().await.unwrap();

        // On to the documents, which follow the correction.
        c.find(Locator::LinkText("Continuer vers les documents")).await.unwrap().click().await.unwrap();
        let field = c.wait().for_element(Locator::Id("collectivite")).await.unwrap();
        check_page(&c, &axe_source, "Documents (à compléter)").await;
        field.send_keys("Commune d'essai").await.unwrap();
        c.find(Locator::Id("doc-echeancier")).await.unwrap().click().await.unwrap();
        c.find(Locator::Id("doc-plan")).await.unwrap().click().await.unwrap();
        c.find(Locator::Id("doc-annexe")).await.unwrap().click().await.unwrap();
        c.find(Locator::Id("doc-evaluation")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
        let all = c.wait().at_most(Duration::from_secs(60)).for_element(Locator::Id("tout")).await.unwrap();
        all.click().await.unwrap();
        // The browser must live until its download is written.
        let start = Instant::now();
        while !downloads.join("plan-mal-lu-documents.zip").is_file() && start.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        c.close().await.unwrap();
    });
    let wait_for = |p: &Path| {
        let start = Instant::now();
        while !p.is_file() {
            assert!(start.elapsed() < Duration::from_secs(30), "no download in {}", downloads.display());
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let toml = downloads.join("plandoc.toml");
    wait_for(&toml);
    assert!(std::fs::read_to_string(&toml).unwrap().contains("action = \"C\""));
    let zip_path = downloads.join("plan-mal-lu-documents.zip");
    wait_for(&zip_path);
    let mut z = zip::ZipArchive::new(Cursor::new(std::fs::read(&zip_path).unwrap())).unwrap();
    let mut b = Vec::new();
    z.by_name("fiches-actions.pdf").unwrap().read_to_end(&mut b).unwrap();
    let p = dir.join("fiches-actions.pdf");
    std::fs::write(&p, &b).unwrap();
    let text = common::pdf::squash(&common::pdf::text(&p));
    for t in ["Former les assistantes maternelles", "Réunir les clubs sportifs chaque trimestre"] {
        assert!(text.contains(&common::pdf::squash(t)), "{t} : {text}");
    }
    assert!(text.contains(&common::pdf::squash("Commune d'essai")), "{text}");
}
