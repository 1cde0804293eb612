"""The idea machine's word lists: an object × a material × a use, in English and French.

Each entry holds both languages at the same index, so a drawn combination can be shown in one
language and proposed (or re-shown) in another. Objects carry the category their idea goes to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.text import whole_number

# (English, French, category)
OBJECTS: tuple[tuple[str, str, str], ...] = (
    ("lamp", "lampe", "home"),
    ("mug", "tasse", "kitchen"),
    ("backpack", "sac à dos", "outdoor"),
    ("bench", "banc", "garden"),
    ("kettle", "bouilloire", "kitchen"),
    ("stool", "tabouret", "home"),
    ("shelf", "étagère", "home"),
    ("bowl", "bol", "kitchen"),
    ("wall clock", "horloge murale", "home"),
    ("water bottle", "gourde", "outdoor"),
    ("serving tray", "plateau de service", "kitchen"),
    ("planter", "jardinière", "garden"),
    ("hammock", "hamac", "outdoor"),
    ("comb", "peigne", "bathroom"),
    ("soap dish", "porte-savon", "bathroom"),
    ("toothbrush", "brosse à dents", "bathroom"),
    ("notebook", "carnet", "office"),
    ("pen", "stylo", "office"),
    ("phone stand", "support de téléphone", "office"),
    ("lunch box", "boîte à repas", "kitchen"),
    ("wallet", "portefeuille", "accessories"),
    ("watch strap", "bracelet de montre", "accessories"),
    ("umbrella", "parapluie", "accessories"),
    ("cutting board", "planche à découper", "kitchen"),
    ("bird feeder", "mangeoire à oiseaux", "garden"),
    ("headphone stand", "support de casque", "office"),
    ("candle holder", "bougeoir", "home"),
    ("coat hook", "patère", "home"),
    ("key ring", "porte-clés", "accessories"),
    ("picnic basket", "panier de pique-nique", "outdoor"),
    ("dog bowl", "gamelle pour chien", "pets"),
)

# (English, French): the English word reads as an adjective, the French one follows "en".
MATERIALS: tuple[tuple[str, str], ...] = (
    ("bamboo", "bambou"),
    ("cork", "liège"),
    ("copper", "cuivre"),
    ("oak", "chêne"),
    ("walnut", "noyer"),
    ("recycled plastic", "plastique recyclé"),
    ("stainless steel", "acier inoxydable"),
    ("wool", "laine"),
    ("linen", "lin"),
    ("hemp", "chanvre"),
    ("leather", "cuir"),
    ("felt", "feutre"),
    ("glass", "verre"),
    ("ceramic", "céramique"),
    ("terracotta", "terre cuite"),
    ("concrete", "béton"),
    ("aluminium", "aluminium"),
    ("brass", "laiton"),
    ("marble", "marbre"),
    ("slate", "ardoise"),
    ("rattan", "rotin"),
    ("canvas", "toile"),
    ("silicone", "silicone"),
    ("recycled paper", "papier recyclé"),
    ("cardboard", "carton"),
    ("titanium", "titane"),
    ("ash wood", "frêne"),
    ("olive wood", "bois d'olivier"),
    ("stone", "pierre"),
    ("mycelium", "mycélium"),
)

# (English, French): the English follows "for", the French follows "pour".
USES: tuple[tuple[str, str], ...] = (
    ("camping", "le camping"),
    ("reading in bed", "lire au lit"),
    ("small balconies", "les petits balcons"),
    ("working from home", "le télétravail"),
    ("travelling light", "voyager léger"),
    ("children", "les enfants"),
    ("cyclists", "les cyclistes"),
    ("the beach", "la plage"),
    ("picnics", "les pique-niques"),
    ("tiny kitchens", "les petites cuisines"),
    ("studying", "réviser"),
    ("gardening", "jardiner"),
    ("rainy days", "les jours de pluie"),
    ("morning coffee", "le café du matin"),
    ("hikers", "les randonneurs"),
    ("pet owners", "les amis des animaux"),
    ("zero-waste living", "vivre zéro déchet"),
    ("meditation", "la méditation"),
    ("gifting", "offrir"),
    ("road trips", "les road trips"),
    ("festivals", "les festivals"),
    ("the office", "le bureau"),
    ("students", "les étudiants"),
    ("small flats", "les petits appartements"),
    ("winter evenings", "les soirées d'hiver"),
    ("musicians", "les musiciens"),
    ("cooking outdoors", "cuisiner dehors"),
    ("night owls", "les couche-tard"),
    ("the bathroom shelf", "l'étagère de la salle de bains"),
    ("grandparents", "les grands-parents"),
)


@dataclass(frozen=True)
class Spark:
    """One drawn combination, by index into the three lists."""

    obj: int
    material: int
    use: int

    @property
    def category(self) -> str:
        """The category an idea from this combination goes to."""
        return OBJECTS[self.obj][2]

    def words(self, lang: str) -> tuple[str, str, str]:
        """(object, material, use) in a language (English unless French)."""
        column = 1 if lang == "fr" else 0
        return (OBJECTS[self.obj][column], MATERIALS[self.material][column],
                USES[self.use][column])  # fmt: skip

    @property
    def code(self) -> str:
        """Compact form for button payloads: 'obj:material:use'."""
        return f"{self.obj}:{self.material}:{self.use}"


def draw(rng: random.Random) -> Spark:
    """A random combination; the caller passes the random source, so tests are deterministic."""
    return Spark(rng.randrange(len(OBJECTS)), rng.randrange(len(MATERIALS)),
                 rng.randrange(len(USES)))  # fmt: skip


def parse_spark(code: str) -> Spark:
    """Read back a button payload, refusing anything out of range (ValueError)."""
    parts = code.split(":")
    numbers = [whole_number(part) if len(part) <= 4 else None for part in parts]
    if len(numbers) != 3 or any(number is None for number in numbers):
        raise ValueError(code)
    spark = Spark(*(number or 0 for number in numbers))
    indexes = (spark.obj, spark.material, spark.use)
    limits = (len(OBJECTS), len(MATERIALS), len(USES))
    if any(index >= limit for index, limit in zip(indexes, limits, strict=True)):
        raise ValueError(code)
    return spark
