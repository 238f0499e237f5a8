"""Build the test programmes and contracts of this folder (fictitious, deterministic: seed 2027).

    .venv/bin/python tests/data/plans/make_plans.py

- `programme-2027.xlsx`: a commune's purchasing programme as buyers keep it: a merged title row,
  a row of merged group headers above the real header, sections with sub-total rows, blank rows,
  amounts typed every way (« 45 000 € », « 45k€ », numbers, « 1,2 M€ »), dates as 03/2027,
  « T2 2027 », « mars 2027 » or real dates, missing CPV codes, free-text objects, places that are
  communes, postal codes, « Tous sites », and a few rows a buyer left unfinished.
- `programme-2027.csv`: a smaller programme exported by another tool (cp1252, « ; », other headers).
- `contrats-2024-2026.xlsx`: the contracts a buyer notified, for the annual report.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
SEED = 2027

# (object, CPV or "", nature as typed, typical amount €, typical duration in months)
PURCHASES = (
    ("Entretien des espaces verts des parcs et jardins", "77310000", "Services", 300_000, 36),
    ("Tonte et débroussaillage des abords de voirie", "77314000", "Services", 90_000, 24),
    ("Élagage des arbres d'alignement", "77341000", "Services", 60_000, 12),
    ("Nettoyage des locaux administratifs", "90919200", "Services", 250_000, 48),
    ("Nettoyage des écoles et des gymnases", "90911200", "Services", 420_000, 48),
    ("Nettoyage des vitres des bâtiments communaux", "90911300", "Services", 35_000, 36),
    ("Collecte et recyclage des papiers de bureau", "90500000", "Services", 18_000, 36),
    ("Enlèvement des encombrants et dépôts sauvages", "", "Services", 75_000, 24),
    ("Restauration scolaire : fourniture de repas en liaison froide", "55524000", "Services", 1_200_000, 48),
    ("Portage de repas à domicile pour les seniors", "55521100", "Services", 140_000, 36),
    ("Fourniture de denrées alimentaires bio et locales", "15000000", "Fournitures", 200_000, 12),
    ("Achat de fournitures de bureau", "30192000", "FCS", 40_000, 12),
    ("Fourniture de papier recyclé", "30197600", "Fournitures courantes", 25_000, 24),
    ("Impression des supports de communication", "79810000", "Services", 80_000, 36),
    ("Mise sous pli et routage du journal municipal", "79571000", "Services", 30_000, 36),
    ("Blanchisserie des vêtements de travail", "98310000", "Services", 45_000, 36),
    ("Location et entretien des vêtements de travail", "", "Services", 65_000, 48),
    ("Travaux de peinture des écoles", "45442100", "Travaux", 180_000, 12),
    ("Rénovation énergétique du gymnase Jean-Moulin", "45321000", "Travaux", 1_800_000, 18),
    ("Réfection des trottoirs rue Anatole-France", "45233161", "Travaux", 350_000, 6),
    ("Travaux de second œuvre : menuiserie intérieure", "45421000", "Travaux", 120_000, 12),
    ("Déménagement des services municipaux", "98392000", "Services", 28_000, 3),
    ("Reconditionnement et maintenance du parc informatique", "50312000", "Services", 95_000, 36),
    ("Achat d'ordinateurs portables reconditionnés", "30213100", "Fournitures", 110_000, 12),
    ("Recyclage des déchets d'équipements électriques (DEEE)", "90510000", "Services", 15_000, 36),
    ("Gardiennage et surveillance des équipements sportifs", "79713000", "Services", 220_000, 36),
    ("Accueil et standard téléphonique externalisé", "79512000", "Services", 90_000, 24),
    ("Traduction et interprétariat en langue des signes", "79530000", "Services", 20_000, 36),
    ("Transport adapté des personnes à mobilité réduite", "60130000", "Services", 260_000, 48),
    ("Animation des accueils de loisirs périscolaires", "92331210", "Services", 500_000, 36),
    ("Prestations de médiation sociale dans les quartiers", "85320000", "Services", 150_000, 36),
    ("Insertion professionnelle : chantier d'insertion en espaces naturels", "", "Services", 100_000, 24),
    ("Fabrication de mobilier urbain en bois", "39113000", "Fournitures", 70_000, 12),
    ("Entretien des cimetières communaux", "", "Services", 85_000, 36),
    ("Propreté urbaine : balayage manuel des marchés forains", "90610000", "Services", 160_000, 36),
    ("Maintenance des aires de jeux", "50870000", "Services", 40_000, 36),
    ("Fourniture et pose de signalétique", "", "Fournitures", 55_000, 12),
    ("Réparation et entretien des vélos de service", "50000000", "Services", 12_000, 36),
    ("Numérisation des archives municipales", "79999100", "Services", 45_000, 12),
    ("Organisation des cérémonies et réceptions (traiteur)", "55520000", "Services", 60_000, 36),
)  # fmt: skip
SERVICES = ("Direction des espaces publics", "Direction des bâtiments", "Direction de l'éducation",
            "Direction des moyens généraux", "Direction des solidarités", "Direction de la culture")  # fmt: skip
PLACES = ("Villeurbanne", "Villeurbanne", "Villeurbanne", "69100", "Lyon", "Vénissieux", "Vaulx-en-Velin", "Bron",
          "", "", "Tous sites", "Caluire-et-Cuire", "Rhône")  # fmt: skip
QUALIFIERS = ("", "", " — lot 1", " — lot 2", " (reconduction)", " - secteur nord", " - secteur sud", " 2027",
              " : accord-cadre à bons de commande", " (nouveau marché)")  # fmt: skip
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")  # fmt: skip


def _amount_text(rng: random.Random, amount: float) -> object:
    """The amount as some buyer typed it; sometimes a real number."""
    style = rng.randrange(8)
    if style == 0:
        return float(amount)
    if style == 1:
        return f"{amount:,.0f} €".replace(",", " ")
    if style == 2:
        return f"{amount / 1000:.0f}k€"
    if style == 3:
        return f"{amount:,.2f} € HT".replace(",", " ").replace(".", ",")
    if style == 4 and amount >= 1_000_000:
        return f"{amount / 1e6:.1f} M€".replace(".", ",")
    if style == 5:
        return f"{amount / 1000:.0f} K€"
    if style == 6:
        return int(amount)
    return f"{amount:,.0f}".replace(",", "\u00a0") + " €"


def _date_text(rng: random.Random) -> object:
    import datetime as dt

    month = rng.randrange(1, 13)
    style = rng.randrange(6)
    if style == 0:
        return f"{month:02d}/2027"
    if style == 1:
        return f"T{(month - 1) // 3 + 1} 2027"
    if style == 2:
        return f"{MONTHS_FR[month - 1]} 2027"
    if style == 3:
        return dt.datetime(2027, month, rng.randrange(1, 28))
    if style == 4:
        return f"S{1 if month <= 6 else 2} 2027"
    return f"{rng.randrange(1, 28):02d}/{month:02d}/2027"


def _duration_text(rng: random.Random, months: int) -> object:
    style = rng.randrange(5)
    if style == 0:
        return months
    if style == 1:
        return f"{months} mois"
    if style == 2 and months % 12 == 0:
        return f"{months // 12} an{'s' if months > 12 else ''}"
    if style == 3:
        return ""
    return str(months)


def _row(rng: random.Random, number: int) -> list[object]:
    need, cpv, nature, amount, months = rng.choice(PURCHASES)
    amount = round(amount * rng.uniform(0.3, 1.6), -2)
    cpv_text = "" if rng.random() < 0.25 else (cpv if rng.random() < 0.7 else f"{cpv}-{rng.randrange(10)}")
    nature_text = "" if rng.random() < 0.15 else nature
    lots = rng.choice(("", "", "", "1", "2", "3", "non", "4 lots"))
    return [f"2027-{number:03d}", need + rng.choice(QUALIFIERS), cpv_text if cpv else "",
            _amount_text(rng, amount), _duration_text(rng, months), _date_text(rng), nature_text,
            rng.choice(PLACES), lots]  # fmt: skip


def build_programme(rows: int = 240) -> openpyxl.Workbook:
    rng = random.Random(SEED)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programmation 2027"
    sheet.append(["Programme prévisionnel des achats 2027 — Ville de Villeurbanne (document de travail)"])
    sheet.merge_cells("A1:I1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["Identification", None, None, "Estimation", "Durée", "Calendrier", "Caractéristiques"])
    for cells in ("A3:C3", "G3:I3"):
        sheet.merge_cells(cells)
    sheet.append(["N°", "Objet de l'achat", "Code CPV", "Montant estimé HT", "Durée du marché",
                  "Date prévisionnelle de lancement", "Nature", "Lieu d'exécution", "Nb de lots"])  # fmt: skip
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    number = 0
    per_section = rows // len(SERVICES)
    for service in SERVICES:
        sheet.append([service])
        sheet.cell(sheet.max_row, 1).font = Font(italic=True)
        for _ in range(per_section):
            number += 1
            row = _row(rng, number)
            if number % 37 == 0:
                row[3] = "à définir"  # an estimate not made yet: rejected
            if number % 53 == 0:
                row[1] = ""  # an object forgotten: rejected
            sheet.append(row)
        sheet.append([f"Sous-total {service}", None, None, "=SUM(D5:D10)"])
        sheet.append([])
    sheet.append(["TOTAL GÉNÉRAL", None, None, 12_345_678])
    return book


def build_csv(rows: int = 40) -> bytes:
    rng = random.Random(SEED + 1)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Intitulé", "Montant prévisionnel", "CPV", "Type de marché", "Durée (mois)", "Trimestre",
                     "Commune"])  # fmt: skip
    for _ in range(rows):
        need, cpv, nature, amount, months = rng.choice(PURCHASES)
        writer.writerow([need, _amount_text(rng, round(amount * rng.uniform(0.5, 1.5), -2)), cpv,
                         nature, months, f"T{rng.randrange(1, 5)} 2027", rng.choice(PLACES)])  # fmt: skip
    return out.getvalue().encode("cp1252", errors="replace")


def build_contracts(rows: int = 150) -> openpyxl.Workbook:
    rng = random.Random(SEED + 2)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Marchés notifiés"
    sheet.append(["Objet", "Montant HT", "Date de notification", "CPV", "Clause sociale", "Critère social",
                  "Marché réservé", "Heures d'insertion"])  # fmt: skip
    import datetime as dt

    for number in range(1, rows + 1):
        need, cpv, _, amount, _ = rng.choice(PURCHASES)
        year = rng.choice((2024, 2025, 2025, 2026, 2026, 2026))
        if number % 50 == 0:  # rows a buyer left unfinished: rejected with their reason
            sheet.append([need, "", dt.datetime(year, 6, 1), cpv, "Oui", "Non", "Non", ""])
            sheet.append([need, "12 000 €", dt.datetime(year, 6, 1), cpv, "à vérifier", "Non", "Non", ""])
            continue
        clause = rng.random() < (0.15 + 0.1 * (year - 2024))
        sheet.append([
            need, _amount_text(rng, round(amount * rng.uniform(0.5, 1.5), -2)),
            dt.datetime(year, rng.randrange(1, 13), rng.randrange(1, 28)), cpv,
            "Oui" if clause else rng.choice(("Non", "non", "")), rng.choice(("Oui", "Non", "Non")),
            "Oui" if rng.random() < 0.06 else "Non", rng.randrange(50, 2000, 10) if clause else "",
        ])  # fmt: skip
    sheet.append(["Total", 9_999_999])
    return book


def main() -> None:
    build_programme().save(HERE / "programme-2027.xlsx")
    (HERE / "programme-2027.csv").write_bytes(build_csv())
    build_contracts().save(HERE / "contrats-2024-2026.xlsx")


if __name__ == "__main__":
    main()
