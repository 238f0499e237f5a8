"""Lever "label-fair-trade": require a fair-trade or ecological label (equivalents accepted) when the
need evokes products such labels cover."""

from __future__ import annotations

from typing import Final

from sourcing import taxonomy
from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE

# Words (accent- and case-folded, whole words) and CPV prefixes that suggest fair-trade or
# ecological products for which labels exist.
FAIR_TRADE_WORDS: Final[frozenset[str]] = frozenset(
    "cafe cafes the thes tisane tisanes cacao chocolat chocolats sucre banane bananes jus riz epices "
    "quinoa coton textile textiles vetement vetements tenue tenues uniforme uniformes linge t-shirt "
    "t-shirts tee-shirt polo polos alimentaire alimentaires denree denrees fruits fleurs bio biologique "
    "biologiques equitable equitables restauration repas".split()
)
FAIR_TRADE_CPV_PREFIXES: Final[tuple[str, ...]] = (
    "03",  # agricultural products
    "15",  # food and drinks (coffee, tea: 1586)
    "18",  # clothing
    "19",  # textiles
    "392",  # furnishing textiles
    "395",  # textile articles
    "553",  # restaurant services
    "555",  # canteen and catering services
)
SAMPLE_CLAUSE: Final[str] = (
    "Les produits [café, thé, cacao, textiles…] fournis sont issus du commerce équitable. L'acheteur exige "
    "le label [nom du label] ou tout label équivalent dont les exigences sont liées à l'objet du marché, "
    "reposent sur des critères objectifs et ont été établies par une procédure ouverte ; le candidat peut "
    "aussi prouver par tout moyen approprié que ses produits remplissent ces exigences (articles R2111-12 à "
    "R2111-17 du code de la commande publique)."
)


def fair_trade_hints(p: Purchase) -> list[str]:
    """Words of the need and CPV codes that suggest labelled (fair-trade, organic) products."""
    words = set(taxonomy.fold(p.need or "").replace("'", " ").split())
    hits = sorted(words & FAIR_TRADE_WORDS)
    hits += [f"CPV {c}" for c in p.cpv if c.startswith(FAIR_TRADE_CPV_PREFIXES)]
    return hits


def check(p: Purchase, ctx: RuleContext) -> Advice:
    hints = fair_trade_hints(p)
    if not hints:
        return Advice(
            applies=False,
            rationale="Rien dans le besoin n'évoque des produits couverts par un label de commerce "
            "équitable ou écologique (café, thé, textiles, alimentation…).",
            sample_clause=SAMPLE_CLAUSE,
        )
    return Advice(
        applies=True,
        rationale=f"Le besoin évoque des produits pour lesquels existent des labels ({', '.join(hints)}) : "
        "vous pouvez exiger un label de commerce équitable ou écologique lié à l'objet, en acceptant les "
        "labels équivalents.",
        sample_clause=SAMPLE_CLAUSE,
    )


RULE = Rule(
    id="label-fair-trade",
    order=9,
    title="Exiger un label (commerce équitable, écologique)",
    legal_refs=("CCP R2111-12", "CCP R2111-17"),
    valid_from=CCP_IN_FORCE,
    check=check,
    examples=(
        Example(
            purchase=sample_purchase(need="Fourniture de café et de thé pour les services", nature="fournitures"),
            applies=True,
        ),
        Example(
            purchase=sample_purchase(need="Vêtements de travail", cpv=("18100000",), nature="fournitures"), applies=True
        ),
        Example(sample_purchase(need="Nettoyage des locaux", cpv=("90910000",)), applies=False),
    ),
)
