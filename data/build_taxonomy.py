"""Build the generated parts of the sector taxonomy under ``data/taxonomy/``.

Hand-authored (edit them directly, this script only checks them):

- ``sectors.csv``: groups, sectors, French labels and keywords;
- ``naf_sectors.csv``: NAF prefix -> sector, longest prefix wins.

Generated here:

- ``naf.csv``: every NAF rév. 2 code (division, groupe, classe, sous-classe) with its
  French label, from the npm package ``@socialgouv/codes-naf`` (INSEE data), fetched
  with ``npm pack`` into a temporary folder. Pass ``--naf-json`` to use a local copy of
  its ``index.json`` instead (offline rebuilds).
- ``cpv.csv``: the curated CPV 2008 codes below (``CPV_SECTORS``) plus every code of the
  L2113-15 reserved list, with the exact French label of the CPV reference
  (EU eForms SDK, CC BY 4.0), the sectors each code maps to and two flags.

Usage::

    python data/build_taxonomy.py [--cpv-reference DIR] [--naf-json FILE] [--skip-naf]

``DIR`` holds ``cpv2008_fr_en.csv`` and ``cpv_social_services.csv``; it defaults to
``$SHARED_DIR/reference/cpv`` or ``../shared/reference/cpv`` next to the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "taxonomy"

NAF_PACKAGE = "@socialgouv/codes-naf"
NAF_VERSION = "1.1.1"  # pinned: a new version must be reviewed (labels shown to buyers)
NAF_LICENSE = "Apache-2.0"
NAF_LEVELS = {2: "division", 4: "groupe", 5: "classe", 6: "sous-classe"}

# CPV codes of the L2113-15 list (directive 2014/24 art. 77), from
# shared/domain/commande-publique.md; the 85000000-85323000 range is expanded from the
# reference so that every existing code of the range is listed.
L2113_15_SINGLE = (
    "75121000 75122000 75123000 79622000 79624000 79625000 80110000 80300000 80420000 "
    "80430000 80511000 80520000 80590000 92500000 92600000 98133000 98133110"
).split()
L2113_15_RANGE = ("85000000", "85323000")

# Sectors of the codes of the 85 division (health and social services, all in the
# L2113-15 list), by longest prefix of the 8-digit code: the list is long and regular.
RULES_85: dict[str, tuple[str, ...]] = {
    "85": ("accompagnement-social", "sante-soins"),
    "851": ("sante-soins",),
    "85112100": ("sante-soins", "blanchisserie"),  # hospital bedding
    "85121271": ("sante-soins", "aide-domicile"),
    "85143000": ("sante-soins", "transport-personnes"),  # ambulances
    "852": (),  # veterinary services: no ESS trade of ours
    "853": ("accompagnement-social",),
    "85311": ("hebergement-social",),
    "853111": ("personnes-agees",),
    "853112": ("handicap",),
    "853113": ("protection-enfance",),
    "85312": ("accompagnement-social",),
    "8531211": ("garde-enfants",),
    "8531212": ("handicap",),
    "853122": ("portage-repas", "aide-domicile"),
    "8531233": ("sante-soins",),
    "853124": ("accompagnement-social", "aide-domicile"),
    "85323": ("handicap", "personnes-agees"),
}

# The curated codes buyers use with ESS suppliers, by sector. A code listed under several
# sectors maps to all of them. A code that is not listed gets the sectors of its nearest
# listed parent (sourcing.taxonomy.sectors_for_cpv), so parents are listed where every
# child fits the sector, and children only when their sectors differ from their parent's
# or buyers use them often (their label then shows).
CPV_SECTORS: dict[str, str] = {
    "espaces-verts": "77300000 77310000 77312000 77312100 77313000 45112700",
    "elagage-abattage": "77340000 77341000 77211400 77211500",
    "espaces-naturels": "90720000 92530000 45246000 45262640",
    "travaux-forestiers": "77200000 77211300 03413000",
    "debroussaillage": "45111220 77211300 77312000",
    "espace-public": "90914000 50870000 90640000",
    "plantes-interieur": "45451300",
    "nettoyage-locaux": "90900000 90910000 90911000 90911200 90919200",
    "nettoyage-vitres": "90911300",
    "nettoyage-industriel": "90912000 90913000 45452000",
    "nettoyage-vehicules": "90917000 50112300",
    "proprete-urbaine": "90600000 90612000 90511300",
    "desinfection-3d": "90920000 90670000",
    "produits-entretien": "39800000 39224300 33760000 33711900 18143000",
    "parties-communes": "98341140 90918000",
    "restauration-collective": "55300000 55321000 55500000 55510000 55523100 55524000",
    "traiteur": "55520000",
    "plateaux-repas": "15894200 15894400",
    "portage-repas": "55521100 55521200",
    "restaurant": "55310000 55330000 55400000",
    "boulangerie-patisserie": "15810000 15820000 15842000",
    "transformation-alimentaire": "15300000 15894300",
    "epicerie-denrees": "15000000 03220000",
    "maraichage": "03221000 15331100",
    "production-agricole": "03000000",
    "horticulture": "03120000 03440000 03450000 77330000",
    "arboriculture": "03222000",
    "viticulture": "15930000",
    "elevage": "15110000 03142000 77500000",
    "produits-laitiers": "15500000",
    "apiculture": "03142100 15831600 77900000",
    "services-agricoles": "77100000",
    "peche-aquaculture": "77700000 77800000",
    "blanchisserie": "98310000 98311000",
    "pressing": "98310000",
    "repassage": "98315000",
    "couture-retouches": "50830000",
    "confection": "98393000 39500000 18936000",
    "vetements-travail": "18100000 18222000 35113400",
    "cordonnerie-maroquinerie": "50820000",
    "batiment-tce": "45000000",
    "gros-oeuvre": "45262300 45262500",
    "peinture-revetements": "45440000 45442100 45432200",
    "revetements-sols": "45430000 45432100",
    "platrerie-isolation": "45410000 45320000 45321000 45421146 45421152",
    "menuiserie": "45420000 45421000",
    "electricite": "45310000 50711000 50232000",
    "plomberie-chauffage": "45330000 50720000 50712000",
    "couverture-charpente": "45261000",
    "metallerie-serrurerie": "45262400 45340000 45421147 45421148 98395000",
    "demolition-curage": "45110000 45262660 90650000",
    "vrd-travaux-publics": "45230000 45112000 45220000",
    "patrimoine-bati": "45262510 45262620 45212350 92522000",
    "renovation-energetique": "45321000 71314300",
    "second-oeuvre": "45400000 45262690 45262700",
    "maintenance-batiment": "50700000 79993000",
    "echafaudage-location": "45262100 45500000",
    "collecte-dechets": "90500000 90511000 90513000",
    "papiers-bureau": "90511400",
    "destruction-documents": "92512100",
    "biodechets": "77120000 39234000",
    "dechets-chantier": "45111214",
    "dechets-dangereux": "90520000",
    "materiaux-reemploi": "14900000",
    "collecte-textiles": "19620000",
    "informatique-reconditionnee": "30213000",
    "electromenager-reconditionne": "39710000",
    "mobilier-reemploi": "50850000",
    "materiel-medical-reconditionne": "33193000",
    "vehicules-occasion": "34430000",
    "jouets-livres-occasion": "37520000",
    "conditionnement": "79920000 79921000",
    "logistique-stockage": "63120000 79991000",
    "manutention": "63100000",
    "metallurgie": "45262670 45262680",
    "palettes-bois": "44143000",
    "demenagement": "98392000 79613000",
    "livraison-coursier": "64120000 60161000",
    "transport-personnes": "60130000 60140000 60112000 60120000 60170000",
    "transport-marchandises": "60180000",
    "distribution-courrier": "64100000 64121100 64122000",
    "garage-auto": "50110000",
    "maintenance-flottes": "50111000",
    "reparation-electromenager": "50532000",
    "maintenance-equipements": "50500000 50880000",
    "accueil-standard": "79510000 79992000",
    "centre-appels": "79512000",
    "secretariat": "79500000",
    "saisie-donnees": "72310000 72312000",
    "numerisation-ged": "79999100 72312200 79961330 72512000 79996100",
    "archivage": "79995100 79560000 72252000 79995200",
    "mailing-routage": "79570000",
    "conciergerie": "98341130",
    "fournitures-bureau": "30190000 22800000",
    "traduction": "79530000 79540000",
    "accessibilite-communication": "79540000",
    "comptabilite-paie": "79211000 79631000 79999200",
    "impression-reprographie": "22000000 79800000 79810000 79520000 79971000",
    "signaletique": "44423400",
    "objets-promotionnels": "39294100",
    "communication-graphisme": "79340000 79822500 79416000 79553000",
    "audiovisuel-photo": "92110000 79960000",
    "evenementiel": "79950000 79952000",
    "sites-web": "72413000 72420000 72415000",
    "logiciels": "72200000",
    "tests-logiciels": "72254000 72820000",
    "infogerance": "72500000 72600000 72253000 50312000 50324000",
    "donnees": "72316000 72320000 72330000",
    "reparation-informatique": "50312000 50320000 50334000",
    "gardiennage": "79700000 79710000 79711000 79713000 79714000 79715000",
    "securite-incendie": "79710000",
    "surveillance-scolaire": "79714000",
    "mise-a-disposition": "79620000 79622000 79624000 79625000 98513000",
    "recrutement": "79600000 79635000",
    "aide-domicile": "79622000 98513310",
    "menage-domicile": "98514000 90911100 98341110",
    "garde-enfants": "80110000",
    "coiffure-esthetique": "98320000",
    "accompagnement-social": "98133000 79634000",
    "hebergement-social": "75123000 98341000",
    "sante-soins": "75122000 79624000 79625000",
    "aide-alimentaire": "15897300",
    "formation-professionnelle": "80300000 80420000 80430000 80400000 80500000 80511000 80520000 80530000 "
    "79632000 80411000",
    "formation-numerique": "80533000",
    "savoirs-base": "80580000",
    "enseignement-soutien": "75121000 80100000 80110000 80200000 80340000 80410000 80590000",
    "conseil": "79300000 79400000",
    "ressources-humaines": "79414000 79630000 79634000 79998000",
    "education-environnement": "80540000",
    "spectacle-vivant": "92300000",
    "animation-culturelle": "92000000 92312240",
    "patrimoine-musees": "92500000 79995000",
    "livres-edition": "22100000 79970000",
    "sport": "92600000",
    "tourisme-hebergement": "55100000 55200000 63510000",
    "loisirs-periscolaire": "55240000 92330000 98133110",
    "mobilier-agencement": "39100000 79934000",
    "artisanat-art": "92311000 39298000 39225600",
    "tapisserie-ameublement": "98394000 50850000",
}


def _default_cpv_dir() -> Path:
    shared = os.environ.get("SHARED_DIR")
    base = Path(shared) if shared else REPO.parent / "shared"
    return base / "reference" / "cpv"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def fetch_naf_json() -> list[dict[str, str]]:
    """Download the pinned npm package with ``npm pack`` and return its ``index.json``."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"{NAF_PACKAGE}@{NAF_VERSION}"
        out = subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", tmp],
            check=True,
            capture_output=True,
            text=True,
        )
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            meta = json.load(tar.extractfile("package/package.json"))  # type: ignore[arg-type]
            data = json.load(tar.extractfile("package/index.json"))  # type: ignore[arg-type]
    if meta["version"] != NAF_VERSION or meta["license"] != NAF_LICENSE:
        raise SystemExit(f"unexpected package metadata: {meta['version']} {meta['license']}")
    return data


def build_naf(naf_json: list[dict[str, str]]) -> list[list[str]]:
    """One row per NAF code: code (with the dot), level, French label."""
    rows = []
    for item in naf_json:
        code, label = item["id"].strip(), " ".join(item["label"].split())
        level = NAF_LEVELS.get(len(code))
        if level is None:
            raise SystemExit(f"unexpected NAF code {code!r}")
        rows.append([code, level, label])
    counts = {lvl: sum(r[1] == lvl for r in rows) for lvl in NAF_LEVELS.values()}
    if counts["sous-classe"] != 732:
        raise SystemExit(f"expected 732 NAF sous-classes, got {counts}")
    return rows


def _rule_85(code: str) -> tuple[str, ...]:
    best = max((p for p in RULES_85 if code.startswith(p)), key=len)
    return RULES_85[best]


def build_cpv(cpv_dir: Path, sector_ids: set[str]) -> list[list[str]]:
    """Curated codes + the whole L2113-15 list, with reference labels, sectors and flags."""
    ref = {r["code8"]: r["label_fr"] for r in read_csv(cpv_dir / "cpv2008_fr_en.csv")}
    social = {r["code8"] for r in read_csv(cpv_dir / "cpv_social_services.csv")}
    lo, hi = L2113_15_RANGE
    l2113 = set(L2113_15_SINGLE) | {c for c in ref if lo <= c <= hi}

    sectors: dict[str, list[str]] = {}
    for sector, codes in CPV_SECTORS.items():
        if sector not in sector_ids:
            raise SystemExit(f"CPV_SECTORS: unknown sector {sector}")
        for code in codes.split():
            sectors.setdefault(code, [])
            if sector not in sectors[code]:
                sectors[code].append(sector)
    for code in sorted(l2113):
        if code.startswith("85") and code not in sectors:
            sectors[code] = list(_rule_85(code))
        sectors.setdefault(code, [])
    missing = sorted(c for c in sectors if c not in ref)
    if missing:
        raise SystemExit(f"CPV codes not in the reference: {missing}")
    unknown = {s for ss in sectors.values() for s in ss} - sector_ids
    if unknown:
        raise SystemExit(f"unknown sectors in RULES_85: {unknown}")
    return [
        [code, ref[code], " ".join(sectors[code]), str(int(code in l2113)), str(int(code in social))]
        for code in sorted(sectors)
    ]


def check_naf_sectors(naf_codes: set[str], sector_ids: set[str]) -> None:
    for row in read_csv(OUT / "naf_sectors.csv"):
        if row["naf_prefix"] not in naf_codes:
            raise SystemExit(f"naf_sectors.csv: {row['naf_prefix']} is not a NAF code")
        if row["sector_id"] not in sector_ids:
            raise SystemExit(f"naf_sectors.csv: unknown sector {row['sector_id']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpv-reference", type=Path, default=_default_cpv_dir())
    ap.add_argument("--naf-json", type=Path, help="local index.json of @socialgouv/codes-naf")
    ap.add_argument("--skip-naf", action="store_true", help="keep the existing naf.csv")
    args = ap.parse_args(argv)

    sector_ids = {r["sector_id"] for r in read_csv(OUT / "sectors.csv")}
    if not args.skip_naf:
        naf_json = json.loads(args.naf_json.read_text("utf-8")) if args.naf_json else fetch_naf_json()
        write_csv(OUT / "naf.csv", ["code", "level", "label"], build_naf(naf_json))
    naf_codes = {r["code"] for r in read_csv(OUT / "naf.csv")}
    check_naf_sectors(naf_codes, sector_ids)

    cpv_rows = build_cpv(args.cpv_reference, sector_ids)
    write_csv(OUT / "cpv.csv", ["code8", "label_fr", "sector_ids", "l2113_15", "social_services"], cpv_rows)
    print(
        f"naf.csv: {len(naf_codes)} codes; cpv.csv: {len(cpv_rows)} codes "
        f"({sum(r[3] == '1' for r in cpv_rows)} L2113-15); sectors: {len(sector_ids)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
