"""Proper nouns of world news, and French and francophone places people say they write
from ("je suis libraire à Rouen": "rouen" was "corrected" into "rogue", an État paria),
that the typo corrector must leave alone.

pyspellchecker's lists miss many of them or count them as rare as typos ("Asie",
"OTAN", "Japon"), so without this list "otan" was "corrected" into "obtenir" and
"asie" into "aide". A question about another country, organisation or leader is
usually a near miss: the name must stay an unknown word that weighs against every
entry. Folded (no accents, lower case); the FAQ's own names win over this list.
The normaliser also uses it to read "à Poutine" as a direction (bot/language/normalize.py), so
the article's own actors are listed too (russie, coree, poutine, kim…).
"""

from __future__ import annotations

__all__ = ["JOINED_NAMES", "PROPER_NOUNS"]

PROPER_NOUNS = frozenset(
    """
    russie coree poutine putin kim jong jongil moscou pyongyang kremlin seoul kiev
    afghanistan africa afrique aiea albania albanie algeria algerie allemagne america
    amerique andorre angleterre angola ankara antarctique antigua arctique argentina
    argentine armenia armenie asean asia asie australia australie austria autriche
    azerbaidjan azerbaijan bahamas bahrein balkans baltes bangladesh barbade beijing
    belarus belgique belgium belize benin berlin bhoutan biden bielorussie birmanie
    bolivia bolivie bosnie botswana brazil bresil britain brunei bulgaria bulgarie
    burundi bush cambodge cambodia cameroon cameroun canada caracas caucase centrafrique
    chile chili china chine choigou chypre colombia colombie comores congo croatia
    croatie cuba cyprus czech damas danemark delhi denmark djibouti dominique ecosse
    egypt egypte emirats england equateur erdogan erythree espagne estonia estonie
    eswatini ethiopia ethiopie europe fidji finland finlande fmi france g20 gabon gambie
    georgie germany ghana grece greece grenade guatemala guinee guyana haiti hanoi
    havane holland hollande honduras hongrie hungary inde india indonesia indonesie irak
    iran iraq ireland irlande islande israel istanbul italie italy ivoire jamaique japan
    japon jinping jordan jordanie kazakhstan kenya kiev kirghizistan kiribati kosovo
    koweit kuwait kyiv lanka laos latvia lavrov lebanon lesotho lettonie liban liberia
    libya libye liechtenstein lithuania lituanie london londres loukachenko lukashenko
    lula luxembourg macedoine macron madagascar madrid malaisie malawi malaysia maldives
    mali malte maroc maurice mauritanie medvedev merkel mexico mexique micronesie minsk
    modi moldavie moldova monaco mongolia mongolie montenegro moon morocco mozambique
    myanmar namibie nato nauru navalny nepal netanyahou netanyahu netherlands nicaragua
    niger nigeria norvege norway obama occident oceanie oman oms onu opec opep orient
    otan ouganda ouzbekistan pakistan palaos palestine panama papouasie paraguay paris
    pekin perou peru philippines poland pologne portugal prigojine prigozhin qatar
    romania rome roumanie russia rwanda sahel salvador samoa saoudite saudi scandinavie
    scholz scotland senegal seoul serbia serbie seychelles shoigu singapore singapour
    slovakia slovaquie slovenia slovenie somalia somalie soudan spain sudan suede suisse
    suriname sweden switzerland syria syrie tadjikistan taiwan tanzanie tchad tchequie
    teheran tehran thailand thailande togo tokyo tonga trump tunisia tunisie turkey
    turkmenistan turquie tuvalu ue ukraine unesco unicef uruguay uzbekistan vanuatu
    varsovie vatican venezuela vietnam washington xi yemen yoon zambie zelande zelenski
    zelensky zimbabwe
    alsace amiens angers annecy avignon bayonne belfort besancon bordeaux bourges
    bretagne bruxelles caen calais chamonix chartres cherbourg clermont colmar corse
    dijon dunkerque geneve grenoble guadeloupe guyane lausanne liege lille limoges
    lorient lorraine lyon marseille martinique mayotte metz montbeliard montpellier
    montreal mulhouse nancy nantes nimes normandie orleans perpignan poitiers
    provence quebec quimper reims rennes roubaix rouen strasbourg toulon toulouse
    troyes vannes
    """.split()
)

JOINED_NAMES = {("jong", "il"): "jongil"}
"""Names whose last part is a stop word once folded, written as one word before anything
reads them: Kim Jong-il (the father, whom the article never names) is not Kim Jong-un
once "il" and "un" are dropped. The joined form is in `PROPER_NOUNS`."""
