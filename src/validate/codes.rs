//! The list of every diagnostic code plandoc can emit: its consequence and a one-line French
//! summary. `plandoc check --codes` prints it, the README's list is that output, and
//! `tests/codes.rs` fails when a code used in `src/` is missing here (or listed but unused).

/// What a diagnostic does to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consequence {
    /// The plan is read but has errors: no document (exit 1).
    Error,
    /// Documents are made; the person is told (exit 0).
    Warning,
    /// The file is not read as a plan at all (exit 2).
    Refusal,
}

impl Consequence {
    pub fn label(self) -> &'static str {
        match self {
            Consequence::Error => "erreur (code 1)",
            Consequence::Warning => "avertissement",
            Consequence::Refusal => "refus (code 2)",
        }
    }
}

/// One diagnostic code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    pub code: &'static str,
    pub consequence: Consequence,
    pub summary: &'static str,
}

const fn c(code: &'static str, consequence: Consequence, summary: &'static str) -> CodeInfo {
    CodeInfo { code, consequence, summary }
}

use Consequence::{Error as E, Refusal as R, Warning as W};

/// Every code, grouped: the file, the plan's reading, the actions, the follow-up, the run.
pub const CODES: &[CodeInfo] = &[
    c("fichier-introuvable", R, "le fichier nommé n'existe pas"),
    c("fichier-illisible", R, "le fichier ne peut pas être ouvert (droits, dossier…)"),
    c("format-inconnu", R, "ni xlsx, xlsm, xlsb, xls, ods ni CSV"),
    c("fichier-protege", R, "classeur chiffré par un mot de passe"),
    c("fichier-endommage", R, "classeur incomplet ou endommagé"),
    c("fichier-trop-gros", R, "fichier au-delà de --taille-max"),
    c("archive-suspecte", R, "archive qui se décompresse au-delà des limites (bombe zip, texte démesuré)"),
    c("feuille-trop-grande", R, "feuille au-delà du nombre de cellules lues"),
    c("lecture-abandonnee", R, "lecture arrêtée par le rempart de temps ou de mémoire"),
    c(
        "aucun-plan",
        R,
        "aucune feuille ne porte un plan d'actions, ou le tableau n'en a pas l'air (indice de plan sous 30)",
    ),
    c("modeles-invalides", R, "dossier --modeles inutilisable"),
    c("ligne-de-commande", R, "ligne de commande fausse"),
    c("config-illisible", E, "plandoc.toml illisible (dossier, pas du texte UTF-8)"),
    c("config-invalide", E, "plandoc.toml : clé inconnue ou valeur fausse, avec sa ligne"),
    c("colonnes-config", W, "une correction de colonne de plandoc.toml ne s'applique pas"),
    c("colonnes-feuille", W, "une ligne de la feuille « Colonnes » ne s'applique pas"),
    c("plan-douteux", W, "--forcer : tableau lu comme un plan bien qu'il n'en ait pas l'air"),
    c(
        "niveau-valeurs-ignorees",
        W,
        "--forcer : des niveaux d'un référentiel numéroté portent des valeurs qu'un niveau ne garde pas",
    ),
    c("colonne-titre-douteuse", W, "la colonne des intitulés contient des doublons ou des booléens"),
    c("metadonnee-manquante", W, "les documents ne porteront pas de collectivité ou de titre de plan (check)"),
    c("encodage-mixte", W, "CSV en UTF-8 dont des lignes sont en Windows-1252 (lignes nommées)"),
    c("metadonnee-invalide", E, "valeur de la feuille « Convention » illisible (année, date…)"),
    c("periode-invalide", E, "la première année du plan vient après la dernière"),
    c("niveau-vide-incertain", W, "cellule de niveau vide que la feuille ne permet pas de lire sûrement"),
    c("erreur-formule", E, "cellule d'erreur de formule (#REF!, #N/A…)"),
    c("caracteres-controle", W, "caractères de contrôle retirés d'une cellule"),
    c("caractere-non-imprimable", W, "caractère qu'aucune police embarquée ne dessine"),
    c("texte-tronque", W, "texte coupé à la limite d'Excel (32 767 caractères), à la lecture ou dans l'annexe"),
    c("aucune-action", E, "le plan ne contient aucune action"),
    c("titre-manquant", E, "action sans intitulé"),
    c("numero-illisible", E, "numéro d'action illisible"),
    c("numero-en-double", E, "deux actions ont le même numéro (la première est citée)"),
    c("priorite-inconnue", E, "priorité hors du vocabulaire"),
    c("statut-inconnu", E, "statut hors du vocabulaire"),
    c("avancement-illisible", E, "avancement qui n'est pas un nombre ou un pourcentage"),
    c(
        "avancement-ambigu",
        W,
        "avancement entre 0 et 1 lu en pourcentage (0,1 → 0,1 %) parce que la colonne compte en pourcentages",
    ),
    c("annee-hors-periode", E, "année d'action hors de la période du plan"),
    c("action-sans-annee", W, "action sans aucune année de mise en œuvre"),
    c("calendrier-illisible", W, "calendrier ou date d'action illisible"),
    c("budget-total-incoherent", W, "le total du budget diffère de la somme de ses lignes"),
    c("texte-trop-long", W, "texte trop long pour tenir sur une seule page de fiche"),
    c("axe-vide", W, "axe sans action"),
    c("objectif-vide", W, "objectif sans action"),
    c("indicateurs-sans-entete", W, "feuille d'indicateurs sans en-tête reconnu : ignorée"),
    c("indicateur-action-illisible", E, "numéro d'action d'un indicateur illisible"),
    c("indicateur-action-inconnue", E, "indicateur rattaché à une action absente du plan"),
    c("indicateur-valeur-illisible", E, "valeur d'indicateur qui n'est pas un nombre"),
    c("en-tete-raccourci", W, "en-tête d'impression de l'annexe raccourci à la limite d'Excel (255 caractères)"),
    c("logo-illisible", W, "logo introuvable, illisible ou trop grand : documents sans logo"),
    c("versions-differentes", E, "--depuis : les deux fichiers ne sont pas des versions d'un même plan"),
];

/// The entry of `code`, if plandoc knows it.
pub fn info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|i| i.code == code)
}

/// The Markdown table printed by `plandoc check --codes` and kept in the README.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | conséquence | signification |\n|---|---|---|\n");
    for i in CODES {
        out.push_str(&format!("| `{}` | {} | {} |\n", i.code, i.consequence.label(), i.summary));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for i in CODES {
            assert!(seen.insert(i.code), "{} twice", i.code);
            assert!(
                i.code.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase())),
                "{}",
                i.code
            );
            assert!(!i.summary.is_empty() && !i.summary.ends_with('.'), "{}", i.code);
        }
    }

    #[test]
    fn the_table_has_one_row_per_code() {
        assert_eq!(markdown_table().lines().count(), CODES.len() + 2);
        assert_eq!(info("aucun-plan").map(|i| i.consequence), Some(Consequence::Refusal));
        assert!(info("inconnu-ici").is_none());
    }
}
