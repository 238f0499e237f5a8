"""INSEE SIRENE stock files: establishments (StockEtablissement), optionally with their unit.

An establishment row has ``siret, siren, nic, etablissementSiege,
etatAdministratifEtablissement, enseigne1Etablissement, denominationUsuelleEtablissement,
activitePrincipaleEtablissement, trancheEffectifsEtablissement, numeroVoieEtablissement,
typeVoieEtablissement, libelleVoieEtablissement, codePostalEtablissement,
codeCommuneEtablissement, libelleCommuneEtablissement,
coordonneeLambertAbscisseEtablissement, coordonneeLambertOrdonneeEtablissement`` (and
more). The legal unit's columns (``denominationUniteLegale``,
``economieSocialeSolidaireUniteLegale``, ``categorieJuridiqueUniteLegale``,
``trancheEffectifsUniteLegale``, ...) come either already joined on the same row or from
a separate StockUniteLegale table passed as ``units``, joined here on ``siren``.

Rules: closed establishments (état administratif F) are not suppliers and are rejected
with a reason. The name is the unit's denomination, else the establishment's usual
name, else its sign, else the person's first name and name. "[ND]" (not diffusible,
statut de diffusion P) counts as empty. Coordinates are Lambert 93 in metropolitan
France and the local UTM projection overseas, chosen from the commune code.
"""

from __future__ import annotations

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable

NAME = "sirene"
LABEL = "SIRENE (INSEE, fichier des établissements)"
SOURCE_NAME = "INSEE SIRENE"

CLOSED_REASON = "établissement fermé (état administratif F dans SIRENE)"
NOT_DIFFUSIBLE = "[ND]"

ESTABLISHMENT_COLUMNS = (
    "siret", "siren", "nic", "etablissementSiege", "etatAdministratifEtablissement", "enseigne1Etablissement",
    "denominationUsuelleEtablissement", "activitePrincipaleEtablissement", "trancheEffectifsEtablissement",
    "numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement", "codePostalEtablissement",
    "codeCommuneEtablissement", "libelleCommuneEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
)  # fmt: skip
UNIT_COLUMNS = (
    "siren", "denominationUniteLegale", "economieSocialeSolidaireUniteLegale", "categorieJuridiqueUniteLegale",
    "trancheEffectifsUniteLegale", "nomUniteLegale", "prenom1UniteLegale", "activitePrincipaleUniteLegale",
    "etatAdministratifUniteLegale",
)  # fmt: skip
# Unit columns this module reads (others in a StockUniteLegale file are left out of the join).
_UNIT_READ = (
    "denominationUniteLegale", "economieSocialeSolidaireUniteLegale", "categorieJuridiqueUniteLegale",
    "trancheEffectifsUniteLegale", "nomUniteLegale", "nomUsageUniteLegale", "prenomUsuelUniteLegale",
    "prenom1UniteLegale",
)  # fmt: skip


def _lower_names(table: RawTable) -> dict[str, str]:
    return {col.lower(): col for col in table.columns}


def score(table: RawTable) -> float:
    """0.6 + 0.4 x share of the establishment columns; 0 without siret, a place and "…Etablissement"."""
    names = _lower_names(table)
    if "siret" not in names:
        return 0.0
    if "codepostaletablissement" not in names and "codecommuneetablissement" not in names:
        return 0.0
    share = sum(1 for col in ESTABLISHMENT_COLUMNS if col.lower() in names) / len(ESTABLISHMENT_COLUMNS)
    return round(0.6 + 0.4 * share, 3)


def score_units(table: RawTable) -> float:
    """How sure a table is a StockUniteLegale file (siren and "…UniteLegale" columns, no siret)."""
    names = _lower_names(table)
    if "siren" not in names or "siret" in names:
        return 0.0
    unit_cols = [n for n in names if n.endswith("unitelegale")]
    if len(unit_cols) < 2:
        return 0.0
    return round(sum(1 for col in UNIT_COLUMNS if col.lower() in names) / len(UNIT_COLUMNS), 3)


def _frame(table: RawTable, wanted: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Text frame with the SIRENE column names (case-insensitive), "[ND]" as empty."""
    frame = c.raw_frame(table)
    if wanted is not None:
        lower = {w.lower(): w for w in wanted}
        keep = [col for col in frame.columns if col.lower() in lower]
        frame = frame[keep].rename(columns={col: lower[col.lower()] for col in keep})
    frame = frame.fillna("")
    return frame.mask(frame == NOT_DIFFUSIBLE, "")


def _join_units(frame: pd.DataFrame, units: RawTable) -> pd.DataFrame:
    """Left join of the unit columns on siren; the establishment order and index are kept."""
    unit = _frame(units, ("siren", *_UNIT_READ))
    if "siren" not in unit:
        return frame
    unit = unit.assign(siren=unit["siren"].str.strip().str.zfill(9)).drop_duplicates("siren", keep="last")
    unit = unit.drop(columns=[col for col in unit.columns if col != "siren" and col in frame.columns])
    siren = frame["siren"] if "siren" in frame else frame["siret"].str.strip().str[:9]
    key = siren.str.strip().str.zfill(9).rename("_siren_key")
    joined = (
        frame.assign(_siren_key=key.to_numpy())
        .merge(unit.rename(columns={"siren": "_siren_key"}), on="_siren_key", how="left", sort=False)
        .drop(columns="_siren_key")
    )
    joined.index = frame.index
    return joined.fillna("")


def to_staging(table: RawTable, units: RawTable | None = None, **_options: object) -> pd.DataFrame:
    lower = {col.lower(): col for col in table.columns}
    frame = _frame(table)
    frame = frame.rename(columns={lower[k.lower()]: k for k in (*ESTABLISHMENT_COLUMNS, *_UNIT_READ)
                                  if k.lower() in lower})  # fmt: skip
    if units is not None:
        frame = _join_units(frame, units)
    get = c.column_reader(frame)

    person = c.join_nonempty(
        [
            c.first_nonempty([get("prenomUsuelUniteLegale"), get("prenom1UniteLegale")]),
            c.first_nonempty([get("nomUsageUniteLegale"), get("nomUniteLegale")]),
        ]
    )
    name = c.first_nonempty(
        [get("denominationUniteLegale"), get("denominationUsuelleEtablissement"), get("enseigne1Etablissement"), person]
    )
    street = c.join_nonempty(
        [
            get("numeroVoieEtablissement"),
            get("indiceRepetitionEtablissement"),
            c.expand_street_type(get("typeVoieEtablissement")),
            get("libelleVoieEtablissement"),
        ]
    )
    insee = get("codeCommuneEtablissement")
    x = get("coordonneeLambertAbscisseEtablissement")
    state = get("etatAdministratifEtablissement").str.strip().str.upper()
    fields = {
        "siret": get("siret"),
        "siren": get("siren"),
        "name": name,
        "trade_name": c.first_nonempty([get("enseigne1Etablissement"), get("denominationUsuelleEtablissement")]),
        "legal_form": get("categorieJuridiqueUniteLegale"),
        "naf": get("activitePrincipaleEtablissement"),
        "address": c.join_nonempty([street, get("complementAdresseEtablissement")], ", "),
        "postal_code": get("codePostalEtablissement"),
        "city": get("libelleCommuneEtablissement"),
        "insee_code": insee,
        "proj_x": x,
        "proj_y": get("coordonneeLambertOrdonneeEtablissement"),
        "proj_crs": c.crs_for_insee(insee).where(x.str.strip() != "", ""),
        "headcount": c.first_nonempty([get("trancheEffectifsEtablissement"), get("trancheEffectifsUniteLegale")]),
        "ess_flag": get("economieSocialeSolidaireUniteLegale"),
        "source_date": get("dateDernierTraitementEtablissement").str[:10],
        "reject_reason": pd.Series(CLOSED_REASON, index=frame.index, dtype="str").where(state == "F", ""),
    }
    return c.staging(fields, table)


_ETAB_HEADER = (
    "siren,nic,siret,statutDiffusionEtablissement,trancheEffectifsEtablissement,etablissementSiege,"
    "complementAdresseEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,"
    "coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,etatAdministratifEtablissement,"
    "enseigne1Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement"
)

EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="StockEtablissement_extrait.csv",
        # Joined with StockUniteLegale columns; one closed establishment (rejected), Lambert 93
        # coordinates, a Réunion establishment in UTM 40S, an individual entrepreneur.
        content=(
            _ETAB_HEADER + ",denominationUniteLegale,nomUniteLegale,prenom1UniteLegale,"
            "categorieJuridiqueUniteLegale,economieSocialeSolidaireUniteLegale,trancheEffectifsUniteLegale\n"
            "362275869,00018,36227586900018,O,12,true,,12,,AV,DES LILAS,59000,LILLE,59350,"
            "704000.1,7059000.2,A,,,88.10C,ASSOCIATION LES LILAS,,,9220,O,12\n"
            "530530419,00015,53053041900015,O,NN,true,,3,,R,DU FOUR,69003,LYON 3EME,69383,"
            ",,F,,,81.21Z,NETTOYAGE DU FOUR,,,5710,N,NN\n"
            "749008934,00012,74900893400012,O,01,true,,5,B,CHE,DES CANNES,97400,SAINT-DENIS,97411,"
            "338000,7690000,A,ATELIER CREOLE,,14.13Z,,HOARAU,MARIE,1000,N,01\n"
        ).encode("utf-8"),
        rows_read=3,
        rows_loaded=2,
        first_name="ASSOCIATION LES LILAS",
        kinds=("ASSOCIATION", "ESS"),
    ),
    Example(
        filename="StockEtablissement_seul.csv",
        # Establishment columns only ("[ND]" fields of a non-diffusible row): the usual name.
        content=(
            _ETAB_HEADER + "\n"
            "353246119,00013,35324611900013,P,[ND],false,[ND],[ND],,[ND],[ND],33000,BORDEAUX,33063,"
            "[ND],[ND],A,[ND],SCOP DU PORT,43.22A\n"
        ).encode("utf-8"),
        rows_read=1,
        rows_loaded=1,
        first_name="SCOP DU PORT",
        kinds=(),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="StockUniteLegale_extrait.csv",
        # A unit file alone: not establishments (score_units recognises it as a companion).
        content=(
            b"siren,denominationUniteLegale,categorieJuridiqueUniteLegale,economieSocialeSolidaireUniteLegale,"
            b"trancheEffectifsUniteLegale\n362275869,ASSOCIATION LES LILAS,9220,O,12\n"
        ),
        rows_read=1,
        rows_loaded=0,
        first_name="",
    ),
    Example(
        filename="siret_seuls.csv",
        content=b"siret;montant\n36227586900018;1200\n",
        rows_read=1,
        rows_loaded=0,
        first_name="",
    ),
)
