"""Real public institution names for the bundled catalogue.

Each row is ``(name, extras)`` inside a ``(country, family)`` group. Families: ``bank`` (retail
bank, PSD2 API + website), ``online`` (online/neo bank, API first), ``wealth`` (insurance and
investment, website only), ``bill`` (bill/document provider with a SIRET). Extras: ``code``
(French bank code), ``uuid`` (published by API users, see POWENS_API.md §5), ``slug``,
``color``, ``pay`` (force Pay on/off), ``hidden``, ``countries`` (several countries),
``siren`` (bill providers), ``url``, ``formerly`` (the name before a rename, see
``bundled_catalogue``). Anything not given is derived deterministically.
"""

from typing import Any

Row = tuple[str, dict[str, Any]]

COUNTRY_NAMES = {
    "fr": "France", "de": "Germany", "es": "Spain", "it": "Italy", "be": "Belgium",
    "nl": "Netherlands", "pt": "Portugal", "gb": "United Kingdom", "ie": "Ireland",
    "lu": "Luxembourg", "at": "Austria", "ch": "Switzerland", "gr": "Greece",
    "bg": "Bulgaria", "pl": "Poland", "mc": "Monaco",
}  # fmt: skip

_FR_NATIONAL: list[Row] = [
    ("BNP Paribas", {"code": "30004", "uuid": "f711dd7a-6289-5bda-b3a4-f2febda8c046",
                     "slug": "BNP", "color": "009a5d", "pay": True, "url": "https://mabanque.bnpparibas"}),
    ("Société Générale", {"code": "30003", "uuid": "f5c29767-1bc8-5337-9e4e-68a0fbd91c9a",
                          "slug": "SG", "color": "e60028", "pay": True,
                          "url": "https://particuliers.sg.fr"}),
    ("Crédit Agricole", {"uuid": "d840908d-5157-5819-8296-474fa4534564", "slug": "CA",
                         "color": "009597", "pay": True, "url": "https://www.credit-agricole.fr"}),
    ("LCL", {"code": "30002", "uuid": "ad5928c7-89ce-5977-a66d-3360e3aa4029", "slug": "LCL",
             "color": "003087", "pay": True, "url": "https://www.lcl.fr"}),
    ("La Banque Postale", {"code": "20041", "uuid": "33f88657-7ab0-5dbe-b8c3-c98e614afc28",
                           "slug": "LBP", "color": "003b80", "pay": True,
                           "url": "https://www.labanquepostale.fr"}),
    ("CIC", {"code": "30066", "slug": "CIC", "color": "0e5ca8", "pay": True}),
    ("Crédit Mutuel", {"code": "10278", "slug": "CM", "color": "e2001a", "pay": True}),
    ("HSBC Continental Europe", {"code": "30056", "slug": "HSB", "color": "db0011"}),
    ("Crédit du Nord", {"code": "30076", "slug": "CDN", "hidden": True}),
    ("Banque Palatine", {"code": "40978", "slug": "PAL"}),
    ("Crédit Coopératif", {"code": "42559", "slug": "CCO"}),
    ("BRED Banque Populaire", {"code": "10107", "slug": "BRE", "pay": True}),
    ("Caisse d'Epargne", {"slug": "CE", "color": "d7001d", "pay": True}),
    ("Banque Populaire", {"slug": "BP", "color": "0a2c74", "pay": True}),
    ("CCF", {"slug": "CCF"}),
]  # fmt: skip

_CA_REGIONS = (
    "Alpes Provence", "Alsace Vosges", "Anjou et Maine", "Aquitaine", "Atlantique Vendée",
    "Brie Picardie", "Centre Est", "Centre France", "Centre Loire", "Centre Ouest",
    "Champagne-Bourgogne", "Charente-Maritime Deux-Sèvres", "Charente-Périgord", "Corse",
    "Côtes d'Armor", "des Savoie", "Finistère", "Franche-Comté", "Ille-et-Vilaine",
    "Languedoc", "Loire Haute-Loire", "Lorraine", "Morbihan", "Nord de France", "Nord Est",
    "Normandie", "Normandie-Seine", "Provence Côte d'Azur", "Pyrénées Gascogne",
    "Sud Méditerranée", "Sud Rhône Alpes", "Toulouse 31", "Touraine Poitou", "Val de France",
    "d'Ile-de-France", "Guadeloupe", "Martinique-Guyane", "de la Réunion", "Nord Midi-Pyrénées",
)  # fmt: skip
_CE_REGIONS = (
    "Aquitaine Poitou-Charentes", "Auvergne Limousin", "Bourgogne Franche-Comté",
    "Bretagne Pays de Loire", "CEPAC", "Côte d'Azur", "Grand Est Europe", "Hauts de France",
    "Ile-de-France", "Languedoc-Roussillon", "Loire Drôme Ardèche", "Loire-Centre",
    "Midi-Pyrénées", "Normandie", "Rhône Alpes",
)  # fmt: skip
_BP_REGIONS = (
    "Alsace Lorraine Champagne", "Aquitaine Centre Atlantique", "Auvergne Rhône Alpes",
    "Bourgogne Franche-Comté", "Grand Ouest", "Méditerranée", "du Nord", "Occitane",
    "Rives de Paris", "du Sud", "Val de France",
)  # fmt: skip
_CM_FEDERATIONS = (
    "Alliance Fédérale", "de Bretagne", "du Sud-Ouest", "Maine-Anjou Basse-Normandie", "Océan",
    "Nord Europe", "Massif Central", "Antilles-Guyane", "Enseignant", "Île-de-France",
    "Loire-Atlantique et Centre Ouest", "Méditerranéen", "Savoie-Mont Blanc",
    "Dauphiné-Vivarais", "Normandie", "Midi-Atlantique", "Centre",
)  # fmt: skip

_FR_OTHER_BANKS = (
    "CIC Est", "CIC Lyonnaise de Banque", "CIC Nord Ouest", "CIC Ouest", "CIC Sud Ouest",
    "Banque Transatlantique", "Banque Courtois", "Banque Kolb", "Banque Laydernier",
    "Banque Nuger", "Banque Rhône-Alpes", "Banque Tarneaud", "Société Marseillaise de Crédit",
    "Banque de Savoie", "Banque Chalus", "Crédit Maritime", "CASDEN Banque Populaire",
    "AXA Banque", "Allianz Banque", "Milleis Banque", "Banque Delubac & Cie",
    "Banque Hottinguer", "Banque Neuflize OBC", "Rothschild Martin Maurel", "Oddo BHF",
    "Edmond de Rothschild", "Banque Wormser Frères", "BFM Banque Fédérale Mutualiste",
    "Cetelem", "Cofidis", "Sofinco", "Carrefour Banque", "Oney", "Franfinance",
    "American Express", "Banque Française Commerciale Océan Indien",
)  # fmt: skip

_FR_ONLINE: list[Row] = [
    ("BoursoBank", {"code": "40618", "uuid": "07d76adf-ae35-5b38-aca8-67aafba13169",
                    "slug": "BOU", "color": "d4005a", "pay": True, "url": "https://www.boursobank.com",
                    "formerly": "Boursorama Banque"}),
    ("Fortuneo", {"code": "14505", "slug": "FOR", "pay": True}),
    ("Hello bank!", {"slug": "HEL", "pay": True}),
    ("BforBank", {"code": "16218", "slug": "BFB"}),
    ("Monabanq", {"slug": "MON"}),
    ("ING France", {"code": "30438", "slug": "ING", "hidden": True}),
    ("Orange Bank", {"slug": "ORB", "hidden": True}),
    ("Ma French Bank", {"slug": "MFB"}),
    ("Floa Bank", {"slug": "FLO"}),
    ("Younited", {"slug": "YOU"}),
    ("Qonto", {"slug": "QON", "pay": True}),
    ("Shine", {"slug": "SHI"}),
    ("Nickel", {"slug": "NIC"}),
    ("Manager.one", {"slug": "MAN"}),
    ("Anytime", {"slug": "ANY"}),
    ("Memo Bank", {"slug": "MEM"}),
    ("Sumeria (ex-Lydia)", {"slug": "SUM"}),
    ("Helios", {"slug": "HLS"}),
    ("Green-Got", {"slug": "GRG"}),
    ("OnlyOne", {"slug": "ONE"}),
    ("Revolut", {"uuid": "8f2b0418-c344-574e-8438-fc0878ade068", "slug": "REV", "pay": True,
                 "color": "191c1f",
                 "countries": ("fr", "de", "es", "it", "be", "nl", "pt", "ie", "lu", "at", "gb")}),
    ("N26", {"uuid": "1f6220d2-cc45-541e-b4ef-6a3c3dd92421", "slug": "N26", "color": "36a18b",
             "countries": ("fr", "de", "es", "it", "at", "nl", "be", "ie", "pt")}),
    ("Wise", {"slug": "WIS", "countries": ("fr", "gb", "be", "de")}),
    ("Trade Republic", {"slug": "TRR", "countries": ("de", "fr", "es", "it", "at", "nl")}),
    ("bunq", {"slug": "BUN", "countries": ("nl", "fr", "de", "es", "it")}),
]  # fmt: skip

_FR_WEALTH = (
    "AXA", "Generali Patrimoine", "Linxea", "Assurancevie.com", "Placement-direct", "Yomoni",
    "Nalo", "Ramify", "Goodvest", "Swiss Life", "Allianz Vie", "Abeille Assurances", "MACIF",
    "MAIF", "MAAF", "MMA", "Groupama Gan Vie", "Predica", "BNP Paribas Cardif", "Spirica",
    "Suravenir", "Apicil", "AG2R La Mondiale", "CNP Assurances", "Amundi Épargne Salariale",
    "Natixis Interépargne", "Epsens", "Eres", "Primonial", "Corum L'Épargne", "Altaprofits",
    "Meilleurtaux Placement", "Boursorama Vie",
)  # fmt: skip

_FR_BILLS: list[Row] = [
    ("EDF", {"siren": "552081317"}), ("Engie", {"siren": "542107651"}),
    ("TotalEnergies Électricité et Gaz", {"siren": "478985013"}), ("ekWateur", {}),
    ("Mint Énergie", {}), ("Vattenfall", {}), ("Eni Gas & Power", {}), ("Plüm énergie", {}),
    ("Orange", {"siren": "380129866"}), ("Sosh", {"siren": "380129866"}),
    ("SFR", {"siren": "343059564"}), ("RED by SFR", {"siren": "343059564"}),
    ("Free", {"siren": "421938861"}), ("Free Mobile", {"siren": "499247138"}),
    ("Bouygues Telecom", {"siren": "397480930"}), ("B&You", {"siren": "397480930"}),
    ("Veolia Eau", {}), ("SUEZ Eau France", {}), ("SNCF Connect", {}), ("Air France", {}),
    ("Amazon", {}), ("Uber", {}), ("Ameli – l'Assurance Maladie", {}),
    ("impots.gouv.fr", {"hidden": True}), ("CAF", {}), ("URSSAF", {}), ("Fnac Darty", {}),
    ("Cdiscount", {}), ("Leroy Merlin", {}),
]  # fmt: skip

_ABROAD: dict[tuple[str, str], tuple[str, ...]] = {
    ("de", "bank"): (
        "Deutsche Bank", "Commerzbank", "Postbank", "HypoVereinsbank", "Targobank", "norisbank",
        "GLS Bank", "Sparda-Bank Berlin", "Deutsche Apotheker- und Ärztebank",
        "Oldenburgische Landesbank", "Berliner Sparkasse", "Hamburger Sparkasse",
        "Sparkasse KölnBonn", "Stadtsparkasse München", "Kreissparkasse Köln",
        "Frankfurter Sparkasse", "Sparkasse Hannover", "Nassauische Sparkasse",
        "Berliner Volksbank", "Volksbank Mittelhessen", "Frankfurter Volksbank",
        "Santander Consumer Bank",
    ),
    ("de", "online"): ("DKB", "ING Deutschland", "comdirect", "Consorsbank", "1822direkt",
                       "Scalable Capital"),
    ("es", "bank"): (
        "Banco Santander", "BBVA", "CaixaBank", "Banco Sabadell", "Bankinter", "Unicaja",
        "Abanca", "Kutxabank", "Ibercaja", "Cajamar", "Banca March", "Caja Rural",
        "Laboral Kutxa", "Deutsche Bank España",
    ),
    ("es", "online"): ("ING España", "Openbank", "EVO Banco", "MyInvestor"),
    ("it", "bank"): (
        "Intesa Sanpaolo", "UniCredit", "Banco BPM", "BPER Banca", "Monte dei Paschi di Siena",
        "Crédit Agricole Italia", "Banca Mediolanum", "Banca Sella", "Credem",
        "BancoPosta", "Banca Popolare di Sondrio", "BNL BNP Paribas", "Banca Ifis",
    ),
    ("it", "online"): ("FinecoBank", "Mediobanca Premier", "illimity", "Hype", "Widiba"),
    ("be", "bank"): (
        "KBC", "Belfius", "BNP Paribas Fortis", "ING Belgique", "Argenta", "Crelan", "Beobank",
        "vdk bank", "CBC Banque", "Triodos Bank", "Nagelmackers", "bpost banque",
    ),
    ("be", "online"): ("Keytrade Bank",),
    ("nl", "bank"): ("ABN AMRO", "Rabobank", "ING Nederland", "SNS", "ASN Bank", "RegioBank",
                     "Van Lanschot Kempen"),
    ("nl", "online"): ("Knab",),
    ("pt", "bank"): (
        "Millennium bcp", "Caixa Geral de Depósitos", "Novo Banco", "Santander Totta", "BPI",
        "Crédito Agrícola", "Banco Montepio", "Banco CTT", "Bankinter Portugal",
    ),
    ("pt", "online"): ("ActivoBank",),
    ("gb", "bank"): (
        "Barclays", "HSBC UK", "Lloyds Bank", "NatWest", "Royal Bank of Scotland",
        "Santander UK", "Nationwide", "Halifax", "TSB", "Metro Bank", "Virgin Money",
        "The Co-operative Bank", "Bank of Scotland",
    ),
    ("gb", "online"): ("Monzo", "Starling Bank", "first direct"),
    ("ie", "bank"): ("AIB", "Bank of Ireland", "PTSB", "EBS"),
    ("ie", "online"): ("An Post Money",),
    ("lu", "bank"): ("BGL BNP Paribas", "Spuerkeess", "Banque Internationale à Luxembourg",
                     "Banque Raiffeisen", "POST Luxembourg", "ING Luxembourg"),
    ("at", "bank"): ("Erste Bank und Sparkassen", "Raiffeisen Bank", "Bank Austria",
                     "BAWAG", "Oberbank", "Volksbank Wien", "Hypo Tirol"),
    ("at", "online"): ("easybank",),
    ("ch", "bank"): ("UBS", "PostFinance", "Raiffeisen Schweiz", "Zürcher Kantonalbank",
                     "Banque Cantonale Vaudoise", "Banque Cantonale de Genève", "Migros Bank"),
    ("ch", "online"): ("neon",),
    ("gr", "bank"): ("Εθνική Τράπεζα της Ελλάδος", "Τράπεζα Πειραιώς", "Alpha Bank",
                     "Eurobank"),
    ("bg", "bank"): ("Банка ДСК", "УниКредит Булбанк", "Пощенска банка"),
    ("pl", "bank"): ("PKO Bank Polski", "mBank", "Bank Pekao", "ING Bank Śląski"),
    ("mc", "bank"): ("CFM Indosuez Wealth Management", "Compagnie Monégasque de Banque"),
    ("de", "wealth"): ("Allianz Lebensversicherung",),
    ("it", "wealth"): ("Generali Italia",),
    ("es", "bill"): ("Iberdrola", "Endesa"),
    ("it", "bill"): ("Enel Energia",),
    ("be", "bill"): ("Proximus",),
}  # fmt: skip


def institutions() -> list[tuple[str, str, str, dict[str, Any]]]:
    """Every bundled institution as ``(name, country, family, extras)``, in a stable order."""
    rows: list[tuple[str, str, str, dict[str, Any]]] = []
    rows += [(name, "fr", "bank", extras) for name, extras in _FR_NATIONAL]
    rows += [(f"Crédit Agricole {region}", "fr", "bank", {"slug": "CA"}) for region in _CA_REGIONS]
    rows += [(f"Caisse d'Epargne {region}", "fr", "bank", {"slug": "CE"}) for region in _CE_REGIONS]
    rows += [(f"Banque Populaire {region}", "fr", "bank", {"slug": "BP"}) for region in _BP_REGIONS]
    rows += [(f"Crédit Mutuel {fed}", "fr", "bank", {"slug": "CM"}) for fed in _CM_FEDERATIONS]
    rows += [(name, "fr", "bank", {}) for name in _FR_OTHER_BANKS]
    rows += [(name, "fr", "online", extras) for name, extras in _FR_ONLINE]
    rows += [(name, "fr", "wealth", {}) for name in _FR_WEALTH]
    rows += [(name, "fr", "bill", extras) for name, extras in _FR_BILLS]
    for (country, family), names in _ABROAD.items():
        rows += [(name, country, family, {}) for name in names]
    return rows
