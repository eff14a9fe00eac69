//! Command-line definition, in French: help texts, headings and error messages.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Args, Command, CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "plandoc",
    version,
    about = "Transforme un plan d'actions territorial (CTG, PST, PEDT) tenu en tableur en documents.",
    subcommand_value_name = "COMMANDE",
    subcommand_help_heading = "Commandes",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Commands,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Lit un plan et liste ses problèmes, cellule par cellule.
    Check(CheckArgs),
    /// Écrit le classeur vierge pour saisir un nouveau plan.
    Template(TemplateArgs),
    /// Écrit les rapports d'évaluation (evaluation.pdf, evaluation.xlsx) d'un plan suivi.
    Evaluation(EvaluationArgs),
    /// Construit les documents de tous les plans d'un dossier, en parallèle.
    Batch(BatchArgs),
    /// Écrit la synthèse départementale (synthese.pdf, synthese.xlsx) des plans suivis d'un dossier.
    #[command(name = "synthese")]
    Synthesis(SynthesisArgs),
    /// Contrôle un plan puis écrit ses documents (fiches, échéancier, plan annexé, annexe XLSX).
    Build(BuildArgs),
    /// Lance le service web : pages pour déposer un plan et API HTTP.
    Serve(ServeArgs),
    /// Liste les codes des diagnostics, leur conséquence et leur sens (tableau Markdown).
    Codes,
    /// Lit un plan sous la surveillance du chien de garde et l'écrit en JSON (usage interne
    /// du lot : les plans sont lus hors du processus du lot).
    #[command(name = "lecture-isolee", hide = true)]
    IsolatedRead(IsolatedArgs),
}

#[derive(Debug, Args)]
pub struct IsolatedArgs {
    #[arg(required_unless_present = "streaming")]
    pub file: Option<PathBuf>,
    /// Lit les chemins des plans sur l'entrée standard et répond à chacun sur la sortie
    /// standard (protocole du lot), jusqu'à la fin de l'entrée.
    #[arg(long = "en-continu", conflicts_with = "file")]
    pub streaming: bool,
    #[arg(long, value_name = "FICHIER")]
    pub config: Option<PathBuf>,
    /// Dossier de modèles du lot : statuts et priorités lus avec son vocabulaire.toml.
    #[arg(long = "modeles", value_name = "DOSSIER")]
    pub models: Option<PathBuf>,
    /// Taille maximale d'un fichier lu, en Mo (par défaut : 64).
    #[arg(long = "taille-max", value_name = "MO")]
    pub max_size: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adresse d'écoute (par défaut : 127.0.0.1, cette machine seulement).
    #[arg(long = "adresse", value_name = "IP", default_value = "127.0.0.1", hide_default_value = true)]
    pub address: String,
    /// Port d'écoute (par défaut : 8080 ; 0 : un port libre, affiché au démarrage).
    #[arg(long, value_name = "PORT", default_value_t = 8080, hide_default_value = true)]
    pub port: u16,
    /// Fichier contenant le jeton secret exigé par l'API (Authorization: Bearer) et les pages.
    #[arg(long = "jeton", value_name = "FICHIER")]
    pub token: Option<PathBuf>,
    /// Taille maximale d'un envoi, en mégaoctets (par défaut : 64).
    #[arg(long = "taille-max", value_name = "Mo", default_value_t = 64, hide_default_value = true)]
    pub max_size: u64,
    /// Constructions simultanées au plus (par défaut : le nombre de cœurs).
    #[arg(long = "travaux", value_name = "N")]
    pub workers: Option<usize>,
    /// Demandes en attente au plus au-delà des constructions en cours ; ensuite 503 (par défaut : 32).
    #[arg(long = "attente", value_name = "N", default_value_t = 32, hide_default_value = true)]
    pub queue: usize,
    /// Durée maximale d'une demande, en secondes (par défaut : 120).
    #[arg(long = "delai", value_name = "SECONDES", default_value_t = 120, hide_default_value = true)]
    pub timeout: u64,
    /// Durée de conservation des résultats : 30min, 90s, 2h (par défaut : 30min).
    #[arg(long = "conservation", value_name = "DURÉE", default_value = "30min", hide_default_value = true)]
    pub retention: String,
    /// Dossier des résultats, partageable entre plusieurs instances (par défaut : un dossier temporaire privé).
    #[arg(long = "resultats", value_name = "DOSSIER")]
    pub results: Option<PathBuf>,
    /// Dossier de modèles dont le documents.toml et le vocabulaire.toml remplacent ceux par défaut (comme pour build).
    #[arg(long = "modeles", value_name = "DOSSIER")]
    pub models: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvaluationArgs {
    /// Classeur du plan, avec son suivi (statut, avancement, commentaire, feuille Indicateurs).
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Dossier où écrire evaluation.pdf et son classeur (evaluation.xlsx, evaluation.ods).
    #[arg(short = 'o', long = "sortie", alias = "output", value_name = "DOSSIER")]
    pub output: PathBuf,
    /// Année du bilan, dans la période du plan : les valeurs des indicateurs sont lues jusqu'à cette année.
    #[arg(long = "annee", value_name = "AAAA")]
    pub year: Option<i32>,
    /// Version antérieure du même plan, pour la section « Ce qui a changé ».
    #[arg(long = "depuis", value_name = "FICHIER")]
    pub since: Option<PathBuf>,
    /// Libellé de cette version antérieure dans le titre « Ce qui a changé depuis … » (par exemple « juin 2026 » ; par défaut : « la version précédente »).
    #[arg(long = "libelle-depuis", value_name = "LIBELLÉ", requires = "since")]
    pub since_label: Option<String>,
    /// Configuration plandoc.toml (par défaut : celle placée à côté du classeur).
    #[arg(long, value_name = "FICHIER")]
    pub config: Option<PathBuf>,
    /// Date des documents, AAAA-MM-JJ.
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
    /// Compare même si --depuis ne semble pas être une version du même plan.
    #[arg(long = "forcer", alias = "force")]
    pub force: bool,
    #[command(flatten)]
    pub sheets: SheetArgs,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

/// The workbooks' formats: shared by `build`, `batch` and `evaluation`.
#[derive(Debug, Args, Default)]
pub struct SheetArgs {
    /// Format des classeurs annexe et évaluation : xlsx, ods ou xlsx,ods (par défaut : [sortie] tableur de plandoc.toml, sinon xlsx).
    #[arg(long = "tableur", value_name = "FORMATS")]
    pub formats: Option<String>,
}

/// What to write and how: shared by `build` and `batch`.
#[derive(Debug, Args)]
pub struct DocArgs {
    /// Documents à écrire, séparés par des virgules : fiches, echeancier, plan, annexe, evaluation (par défaut : tous).
    #[arg(long, value_name = "LISTE", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Configuration plandoc.toml (par défaut : celle placée à côté de chaque classeur).
    #[arg(long, value_name = "FICHIER")]
    pub config: Option<PathBuf>,
    /// Date des documents, AAAA-MM-JJ (par défaut : la date de délibération, sinon aucune).
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
    /// Dossier de modèles dont le documents.toml et le vocabulaire.toml remplacent ceux par défaut.
    #[arg(long = "modeles", value_name = "DOSSIER")]
    pub models: Option<PathBuf>,
    /// Chaque fiche action sur sa propre page, même courte (par défaut : les fiches courtes se suivent sur une page).
    #[arg(long = "une-fiche-par-page")]
    pub one_fiche_per_page: bool,
    #[command(flatten)]
    pub sheets: SheetArgs,
}

/// A correction of how the plan is read: over plandoc.toml and the « Colonnes » sheet.
#[derive(Debug, Args, Default)]
pub struct ReadingArgs {
    /// Lit un champ dans une colonne, par lettre ou titre : intitule=C, "pilote=Personne pilote",
    /// niveau_1=A, garder=F (colonne reprise telle quelle), ignorer=G. Répétable.
    #[arg(long = "colonne", value_name = "CHAMP=COLONNE")]
    pub columns: Vec<String>,
    /// Lit le plan dans cette feuille.
    #[arg(long = "feuille", value_name = "NOM")]
    pub sheet: Option<String>,
    /// Numéro de la ligne d'en-tête du tableau des actions (à partir de 1).
    #[arg(long = "ligne-entete", value_name = "N")]
    pub header_row: Option<u32>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Dossier des plans (parcouru récursivement : xlsx, xlsm, xlsb, xls, ods, csv).
    #[arg(value_name = "DOSSIER")]
    pub dir: PathBuf,
    /// Dossier de sortie : un sous-dossier par plan, à l'image de DOSSIER.
    #[arg(short = 'o', long = "sortie", alias = "output", value_name = "SORTIE")]
    pub output: PathBuf,
    /// Nombre de plans traités en parallèle (par défaut : tous les cœurs).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Ne traite que la part K sur N des plans (répartition stable par chemin), ex. 2/8.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Reconstruit même les plans inchangés depuis le dernier lot.
    #[arg(long, alias = "forcer")]
    pub force: bool,
    /// N'affiche rien pendant le traitement.
    #[arg(long)]
    pub quiet: bool,
    /// Si un autre lot écrit déjà dans SORTIE, attend qu'il finisse (par défaut : abandon immédiat).
    #[arg(long = "attendre")]
    pub wait: bool,
    /// Écrit aussi la synthèse départementale (synthese.pdf, synthese.xlsx) des plans lus, à côté de rapport-lot.json.
    #[arg(long = "synthese")]
    pub synthesis: bool,
    /// Année du bilan de la synthèse (par défaut : la dernière année des périodes des plans).
    #[arg(long = "annee", value_name = "AAAA", requires = "synthesis")]
    pub year: Option<i32>,
    /// Titre de la synthèse.
    #[arg(long = "titre", value_name = "TITRE", requires = "synthesis")]
    pub title: Option<String>,
    #[command(flatten)]
    pub docs: DocArgs,
}

#[derive(Debug, Args)]
pub struct SynthesisArgs {
    /// Dossier des plans (parcouru récursivement, comme pour batch).
    #[arg(value_name = "DOSSIER")]
    pub dir: PathBuf,
    /// Dossier où écrire synthese.pdf et synthese.xlsx (créé au besoin).
    #[arg(short = 'o', long = "sortie", alias = "output", value_name = "SORTIE")]
    pub output: PathBuf,
    /// Année du bilan : une action dont la dernière année la précède sans être réalisée est en retard (par défaut : la dernière année des périodes des plans).
    #[arg(long = "annee", value_name = "AAAA")]
    pub year: Option<i32>,
    /// Titre de la synthèse (par défaut : « Synthèse départementale des plans d'actions »).
    #[arg(long = "titre", value_name = "TITRE")]
    pub title: Option<String>,
    /// Format du classeur : xlsx, ods ou xlsx,ods (par défaut : xlsx).
    #[arg(long = "tableur", value_name = "FORMATS", default_value = "xlsx", hide_default_value = true)]
    pub formats: String,
    /// Nombre de plans lus en parallèle (par défaut : tous les cœurs).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Configuration plandoc.toml (par défaut : celle placée à côté de chaque classeur).
    #[arg(long, value_name = "FICHIER")]
    pub config: Option<PathBuf>,
    /// Date des documents, AAAA-MM-JJ (par défaut : aucune).
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
    /// Dossier de modèles dont le documents.toml, le vocabulaire.toml et le themes.toml remplacent ceux par défaut.
    #[arg(long = "modeles", value_name = "DOSSIER")]
    pub models: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Classeur du plan (xlsx, xlsm, xlsb, xls, ods, csv).
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Dossier où écrire les documents (créé au besoin).
    #[arg(short = 'o', long = "sortie", alias = "output", value_name = "DOSSIER")]
    pub output: PathBuf,
    /// Préfixe les noms de fichiers par l'identifiant @ctes de la délibération.
    #[arg(long = "prefixe-id")]
    pub prefix_id: bool,
    /// Taille maximale du classeur, en mégaoctets (par défaut : 64).
    #[arg(long = "taille-max", value_name = "Mo", default_value_t = 64, hide_default_value = true)]
    pub max_size: u64,
    /// Lit le tableau comme un plan même s'il n'en a pas l'air (liste de mandats, de comptes, de communes…).
    #[arg(long = "forcer", alias = "force")]
    pub force: bool,
    #[command(flatten)]
    pub docs: DocArgs,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Classeur du plan (xlsx, xlsm, xlsb, xls, ods, csv).
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Écrit le résultat en JSON sur la sortie standard.
    #[arg(long)]
    pub json: bool,
    /// Configuration plandoc.toml (par défaut : celle placée à côté du classeur).
    #[arg(long, value_name = "FICHIER")]
    pub config: Option<PathBuf>,
    /// Taille maximale du classeur, en mégaoctets (par défaut : 64).
    #[arg(long = "taille-max", value_name = "Mo", default_value_t = 64, hide_default_value = true)]
    pub max_size: u64,
    /// Dossier de modèles dont le vocabulaire.toml remplace celui par défaut (comme pour build).
    #[arg(long = "modeles", value_name = "DOSSIER")]
    pub models: Option<PathBuf>,
    /// Lit le tableau comme un plan même s'il n'en a pas l'air (liste de mandats, de comptes, de communes…).
    #[arg(long = "forcer", alias = "force")]
    pub force: bool,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Fichier xlsx à écrire.
    #[arg(short = 'o', long = "sortie", alias = "output", value_name = "FICHIER.xlsx")]
    pub output: PathBuf,
    /// Période du plan, par exemple 2026-2030 (par défaut : l'année en cours et les quatre suivantes).
    #[arg(long = "periode", value_name = "AAAA-AAAA")]
    pub period: Option<String>,
    /// Remplace le fichier s'il existe déjà.
    #[arg(long, alias = "forcer")]
    pub force: bool,
}

/// The French help flag, version flag and templates applied to a command and its subcommands.
fn frenchify(cmd: Command, top: bool) -> Command {
    let mut cmd = cmd
        .disable_help_flag(true)
        .arg(Arg::new("aide").short('h').long("help").action(ArgAction::Help).help("Affiche cette aide"))
        .help_template("{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}\n");
    if top {
        cmd = cmd
            .disable_version_flag(true)
            .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("Affiche la version"));
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for n in names {
        cmd = cmd.mut_subcommand(n, |s| frenchify(s, false));
    }
    cmd
}

pub fn command() -> Command {
    frenchify(Cli::command(), true)
}

/// Parsed command line, or the text to print and the exit code.
pub enum Parsed {
    Run(Box<Cli>),
    /// Help or version: print on stdout, exit 0.
    Info(String),
    /// Wrong command line: print on stderr, exit 2.
    Wrong(String),
}

pub fn parse(args: Vec<std::ffi::OsString>) -> Parsed {
    match command().try_get_matches_from(args) {
        Ok(m) => match Cli::from_arg_matches(&m) {
            Ok(cli) => Parsed::Run(Box::new(cli)),
            Err(e) => Parsed::Wrong(french_error(&e)),
        },
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Parsed::Info(e.render().to_string()),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Parsed::Wrong(format!("{}", command().render_help()))
            }
            _ => Parsed::Wrong(french_error(&e)),
        },
    }
}

fn ctx(e: &clap::Error, k: ContextKind) -> Option<String> {
    e.get(k).map(|v| match v {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join(", "),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(v) => v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => String::new(),
    })
}

fn french_error(e: &clap::Error) -> String {
    let arg = ctx(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = ctx(e, ContextKind::InvalidValue).unwrap_or_default();
    let msg = match e.kind() {
        ErrorKind::UnknownArgument => {
            let hint =
                ctx(e, ContextKind::SuggestedArg).map(|s| format!(" (vouliez-vous dire {s} ?)")).unwrap_or_default();
            format!("argument inattendu « {arg} »{hint}")
        }
        ErrorKind::InvalidSubcommand => {
            let hint = ctx(e, ContextKind::SuggestedSubcommand)
                .map(|s| format!(" (vouliez-vous dire « {s} » ?)"))
                .unwrap_or_default();
            let cmd = ctx(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("commande inconnue « {cmd} »{hint} ; commandes : check, template, build, batch, evaluation, synthese, serve, codes")
        }
        ErrorKind::MissingRequiredArgument => format!("argument obligatoire manquant : {arg}"),
        ErrorKind::MissingSubcommand => "commande manquante : check, template, build ou batch".to_string(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("valeur « {value} » invalide pour {arg}")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("trop de valeurs : « {value} »")
        }
        ErrorKind::ArgumentConflict => {
            format!("{arg} ne peut pas être utilisé avec un autre argument donné")
        }
        ErrorKind::NoEquals => format!("{arg} attend une valeur après « = »"),
        ErrorKind::InvalidUtf8 => "argument qui n'est pas de l'UTF-8 valide".to_string(),
        _ => "ligne de commande invalide".to_string(),
    };
    format!("plandoc : erreur : {msg}.\nPour l'aide : plandoc --help")
}
