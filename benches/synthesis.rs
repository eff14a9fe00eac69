//! Departmental synthesis of 200 followed plans (25 actions each, statuses and progress
//! varied from plan to plan) as one `plandoc synthese` process, plans read by isolated
//! readers. Run: `cargo bench --bench synthesis`.

use std::path::Path;
use std::time::Instant;

#[path = "common/cpu.rs"]
mod cpu;

const STATUSES: [&str; 9] =
    ["À venir", "En cours", "Réalisée", "Reportée", "En retard", "Bloquée", "Abandonnée", "En pause", "À discuter"];
const TITLES: [&str; 5] = [
    "Ouvrir une micro-crèche",
    "Créer un espace jeunes",
    "Développer le transport à la demande",
    "Ouvrir une maison France Services",
    "Réunir le comité de pilotage",
];

/// Plan `i`: a « Convention » sheet, then 25 actions over 2022-2026.
fn plan(path: &Path, i: usize) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Plan d'actions").unwrap();
    let head = ["Axe", "N°", "Action", "Statut", "Avancement", "Commentaire", "2022", "2023", "2024", "2025", "2026"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for j in 0..25usize {
        let r = j as u32 + 1;
        ws.write_string(r, 0, format!("Axe {}", j / 5 + 1)).unwrap();
        ws.write_number(r, 1, (j + 1) as f64).unwrap();
        ws.write_string(r, 2, format!("{} n° {}", TITLES[j % 5], j + 1)).unwrap();
        ws.write_string(r, 3, STATUSES[(i * 7 + j * 3) % 9]).unwrap();
        ws.write_number(r, 4, ((i * 13 + j * 29) % 101) as f64).unwrap();
        ws.write_string(r, 5, format!("Point d'étape du plan {i}")).unwrap();
        ws.write_string(r, 6 + (j % 5) as u16, "X").unwrap();
    }
    let conv = wb.add_worksheet();
    conv.set_name("Convention").unwrap();
    let kinds = ["CTG", "PST", "PEDT", "CLS"];
    for (r, (k, v)) in [("Collectivité", format!("Territoire n° {i}")), ("Type de plan", kinds[i % 4].to_string())]
        .iter()
        .chain([("Première année", "2022".to_string()), ("Dernière année", "2026".to_string())].iter())
        .enumerate()
    {
        conv.write_string(r as u32, 0, *k).unwrap();
        conv.write_string(r as u32, 1, v).unwrap();
    }
    wb.save(path).unwrap();
}

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-synthesis");
    let dir = root.join("plans");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..200 {
        plan(&dir.join(format!("plan-{i:03}.xlsx")), i);
    }
    let mut runs = Vec::new();
    for k in 0..5 {
        let out = root.join(format!("sortie-{k}"));
        let (t, c0) = (Instant::now(), cpu::children_ms());
        let st = std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
            .args(["synthese", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--annee", "2026"])
            .output()
            .unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        runs.push((t.elapsed().as_secs_f64(), cpu::children_ms() - c0));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, cpu) = runs[runs.len() / 2];
    // SAFETY: getrusage only writes into the struct we pass.
    let peak = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru);
        ru.ru_maxrss
    };
    println!(
        "synthèse de 200 plans suivis (5 000 actions), médiane de 5 : {secs:.2} s écoulées, {:.2} s de CPU (lecteurs compris), pic mémoire du plus gros processus {:.0} Mo",
        cpu / 1000.0,
        peak as f64 / 1024.0
    );
}
