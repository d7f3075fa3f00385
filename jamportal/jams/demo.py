"""Made-up demo Jams in real cities, for `make run` and the benchmarks.

Each row: city, ISO country code, latitude, longitude, venue. The Jams and
venues are invented; the coordinates are the cities' real ones.
"""

CITIES = [
    # Europe
    ("Cambridge", "GB", 52.2053, 0.1218, "Cambridge Junction"),
    ("Manchester", "GB", 53.4808, -2.2426, "Central Library"),
    ("Leeds", "GB", 53.8008, -1.5491, "Leeds Beckett Hub"),
    ("Bristol", "GB", 51.4545, -2.5879, "Watershed"),
    ("Edinburgh", "GB", 55.9533, -3.1883, "Codebase"),
    ("Belfast", "GB", 54.5973, -5.9301, "W5 Science Centre"),
    ("Cardiff", "GB", 51.4816, -3.1791, "Tramshed Tech"),
    ("Aberystwyth", "GB", 52.4153, -4.0829, "Canolfan y Celfyddydau"),
    ("Dublin", "IE", 53.3498, -6.2603, "Dublin Maker Space"),
    ("Cork", "IE", 51.8985, -8.4756, "Cork City Library"),
    ("Paris", "FR", 48.8566, 2.3522, "La Cité des sciences"),
    ("Lyon", "FR", 45.7640, 4.8357, "Médiathèque de la Part-Dieu"),
    ("Toulouse", "FR", 43.6047, 1.4442, "Fablab Artilect"),
    ("Berlin", "DE", 52.5200, 13.4050, "c-base"),
    ("München", "DE", 48.1351, 11.5820, "Stadtbibliothek Motorama"),
    ("Hamburg", "DE", 53.5511, 9.9937, "Fab Lab Fabulous St. Pauli"),
    ("Köln", "DE", 50.9375, 6.9603, "Zentralbibliothek"),
    ("Amsterdam", "NL", 52.3676, 4.9041, "OBA Oosterdok"),
    ("Utrecht", "NL", 52.0907, 5.1214, "Hoog Catharijne Makerspace"),
    ("Brussels", "BE", 50.8503, 4.3517, "Brussels Hackerspace"),
    ("Antwerpen", "BE", 51.2194, 4.4025, "Het Eilandje Lab"),
    ("Madrid", "ES", 40.4168, -3.7038, "Medialab Matadero"),
    ("Barcelona", "ES", 41.3874, 2.1686, "Biblioteca Sant Antoni"),
    ("Valencia", "ES", 39.4699, -0.3763, "Las Naves"),
    ("Lisboa", "PT", 38.7223, -9.1393, "Pavilhão do Conhecimento"),
    ("Porto", "PT", 41.1579, -8.6291, "UPTEC"),
    ("Roma", "IT", 41.9028, 12.4964, "Biblioteca Casanatense Lab"),
    ("Milano", "IT", 45.4642, 9.1900, "Museo Scienza Tecnologia"),
    ("Torino", "IT", 45.0703, 7.6869, "Toolbox Coworking"),
    ("Zürich", "CH", 47.3769, 8.5417, "ETH Student Project House"),
    ("Wien", "AT", 48.2082, 16.3738, "Metalab"),
    ("Kraków", "PL", 50.0647, 19.9450, "Hackerspace Kraków"),
    ("Warszawa", "PL", 52.2297, 21.0122, "Centrum Nauki Kopernik"),
    ("Wrocław", "PL", 51.1079, 17.0385, "Centrum Wiedzy"),
    ("Praha", "CZ", 50.0755, 14.4378, "Paralelní Polis"),
    ("Stockholm", "SE", 59.3293, 18.0686, "Stockholm Makerspace"),
    ("Oslo", "NO", 59.9139, 10.7522, "Deichman Bjørvika"),
    ("København", "DK", 55.6761, 12.5683, "Labitat"),
    ("Helsinki", "FI", 60.1699, 24.9384, "Oodi Central Library"),
    ("Athína", "GR", 37.9838, 23.7275, "Hackerspace.gr"),
    ("Budapest", "HU", 47.4979, 19.0402, "H.A.C.K."),
    ("Kyiv", "UA", 50.4501, 30.5234, "UNIT.City"),
    ("București", "RO", 44.4268, 26.1025, "Biblioteca Metropolitană"),
    # Africa
    ("Yaoundé", "CM", 3.8480, 11.5021, "ActivSpaces"),
    ("Douala", "CM", 4.0511, 9.7679, "Institut Français Douala"),
    ("Nairobi", "KE", -1.2921, 36.8219, "iHub"),
    ("Mombasa", "KE", -4.0435, 39.6682, "Swahilipot Hub"),
    ("Lagos", "NG", 6.5244, 3.3792, "Co-Creation Hub"),
    ("Abuja", "NG", 9.0765, 7.3986, "Ventures Platform"),
    ("Accra", "GH", 5.6037, -0.1870, "Kumasi Hive Accra"),
    ("Kampala", "UG", 0.3476, 32.5825, "Outbox Hub"),
    ("Kigali", "RW", -1.9441, 30.0619, "kLab"),
    ("Cape Town", "ZA", -33.9249, 18.4241, "Bandwidth Barn"),
    ("Johannesburg", "ZA", -26.2041, 28.0473, "Tshimologong Precinct"),
    ("Durban", "ZA", -29.8587, 31.0218, "Durban Central Library"),
    ("Cairo", "EG", 30.0444, 31.2357, "Fab Lab Egypt"),
    ("Dakar", "SN", 14.7167, -17.4677, "Jokkolabs"),
    ("Addis Ababa", "ET", 8.9806, 38.7578, "iceaddis"),
    # Asia
    ("東京", "JP", 35.6762, 139.6503, "FabCafe Tokyo"),
    ("大阪", "JP", 34.6937, 135.5023, "Osaka Innovation Hub"),
    ("京都", "JP", 35.0116, 135.7681, "Kyoto Makers Garage"),
    ("札幌", "JP", 43.0618, 141.3545, "Sapporo Science Center"),
    ("臺北", "TW", 25.0330, 121.5654, "Taipei Hackerspace"),
    ("高雄", "TW", 22.6273, 120.3014, "Pier-2 Art Center"),
    ("Seoul", "KR", 37.5665, 126.9780, "Seoul Fab Lab"),
    ("Singapore", "SG", 1.3521, 103.8198, "Singapore Science Centre"),
    ("Kuala Lumpur", "MY", 3.1390, 101.6869, "MaGIC Hub"),
    ("Bangkok", "TH", 13.7563, 100.5018, "TCDC Bangkok"),
    ("Manila", "PH", 14.5995, 120.9842, "Mind Museum Lab"),
    ("Jakarta", "ID", -6.2088, 106.8456, "Jakarta Hackerspace"),
    ("Bengaluru", "IN", 12.9716, 77.5946, "Workbench Projects"),
    ("Mumbai", "IN", 19.0760, 72.8777, "Maker's Asylum"),
    ("Delhi", "IN", 28.7041, 77.1025, "IIT Delhi Makerspace"),
    ("Chennai", "IN", 13.0827, 80.2707, "Anna Centenary Library"),
    ("Pune", "IN", 18.5204, 73.8567, "Pune Makers Lab"),
    ("Kathmandu", "NP", 27.7172, 85.3240, "Nepal Communitere"),
    ("Dhaka", "BD", 23.8103, 90.4125, "Bangladesh Innovation Lab"),
    ("تهران", "IR", 35.6892, 51.3890, "Tehran Maker Hub"),
    ("اصفهان", "IR", 32.6546, 51.6680, "Isfahan Science House"),
    ("Dubai", "AE", 25.2048, 55.2708, "Dubai Future Library"),
    ("Tel Aviv", "IL", 32.0853, 34.7818, "TLV Makers"),
    ("Istanbul", "TR", 41.0082, 28.9784, "Istanbul Atölye"),
    ("Karachi", "PK", 24.8607, 67.0011, "Karachi Code Lab"),
    ("Ho Chi Minh City", "VN", 10.8231, 106.6297, "Saigon Innovation Hub"),
    # North America
    ("Cambridge", "US", 42.3736, -71.1097, "Cambridge Public Library"),
    ("New York", "US", 40.7128, -74.0060, "NYC Resistor"),
    ("San Francisco", "US", 37.7749, -122.4194, "Noisebridge"),
    ("Seattle", "US", 47.6062, -122.3321, "Seattle Makers"),
    ("Austin", "US", 30.2672, -97.7431, "ATX Hackerspace"),
    ("Chicago", "US", 41.8781, -87.6298, "Pumping Station: One"),
    ("Denver", "US", 39.7392, -104.9903, "Denver Public Library Ideas Lab"),
    ("Atlanta", "US", 33.7490, -84.3880, "Freeside Atlanta"),
    ("Toronto", "CA", 43.6532, -79.3832, "Toronto Public Library Digital Hub"),
    ("Montréal", "CA", 45.5017, -73.5673, "Foulab"),
    ("Vancouver", "CA", 49.2827, -123.1207, "VHS Vancouver Hack Space"),
    ("Ciudad de México", "MX", 19.4326, -99.1332, "Biblioteca Vasconcelos"),
    ("Guadalajara", "MX", 20.6597, -103.3496, "Ciudad Creativa Digital"),
    ("San José", "CR", 9.9281, -84.0907, "Parque La Libertad"),
    # South America
    ("São Paulo", "BR", -23.5505, -46.6333, "Garoa Hacker Clube"),
    ("Rio de Janeiro", "BR", -22.9068, -43.1729, "Museu do Amanhã"),
    ("Porto Alegre", "BR", -30.0346, -51.2177, "Tecnopuc"),
    ("Belo Horizonte", "BR", -19.9167, -43.9345, "Fab Lab BH"),
    ("Buenos Aires", "AR", -34.6037, -58.3816, "Ciudad Cultural Konex"),
    ("Córdoba", "AR", -31.4201, -64.1888, "Fab Lab Córdoba"),
    ("Santiago", "CL", -33.4489, -70.6693, "Biblioteca de Santiago"),
    ("Lima", "PE", -12.0464, -77.0428, "Lima Makerspace"),
    ("Bogotá", "CO", 4.7110, -74.0721, "Maloka"),
    ("Medellín", "CO", 6.2442, -75.5812, "Parque Explora"),
    ("Quito", "EC", -0.1807, -78.4678, "Yachay Lab"),
    ("Montevideo", "UY", -34.9011, -56.1645, "Plan Ceibal Lab"),
    # Oceania
    ("Sydney", "AU", -33.8688, 151.2093, "Powerhouse Museum"),
    ("Melbourne", "AU", -37.8136, 144.9631, "State Library Victoria"),
    ("Brisbane", "AU", -27.4698, 153.0251, "The Edge, State Library"),
    ("Perth", "AU", -31.9505, 115.8605, "Artifactory"),
    ("Adelaide", "AU", -34.9285, 138.6007, "MakerSpace Adelaide"),
    ("Auckland", "NZ", -36.8485, 174.7633, "Auckland Central Library"),
    ("Wellington", "NZ", -41.2865, 174.7762, "Tech Hub Wellington"),
    ("Christchurch", "NZ", -43.5321, 172.6362, "Tūranga"),
    ("Suva", "FJ", -18.1248, 178.4501, "USP Innovation Space"),
]

TITLE_PATTERNS = [
    "{city} Raspberry Jam",
    "{city} Birthday Jam",
    "Pi Party {city}",
    "{city} Family Coding Jam",
]

DESCRIPTION = """Come and celebrate the Raspberry Pi's birthday with us!

- Hands-on workshops for beginners: make an LED blink, build a game
- Show and tell: bring what you have made
- Birthday cake at 3 pm

Everyone is welcome; no experience needed. Laptops and Raspberry Pis are provided."""

# Jams written in other languages and scripts (with an English translation each),
# so that pages, translations and fonts are exercised by the demo.
TITLE_OVERRIDES = {
    "東京": ("ja", "東京ラズベリージャム"),
    "大阪": ("ja", "大阪ラズパイ誕生日パーティー"),
    "臺北": ("zh-hant", "臺北樹莓派聚會"),
    "تهران": ("fa", "جم رزبری پای تهران"),
    "اصفهان": ("fa", "جشن تولد رزبری پای اصفهان"),
    "Aberystwyth": ("cy", "Jam Mafon Aberystwyth: dathlu'r pen-blwydd"),
}

# The main language of each demo country (English is spoken at every demo Jam too).
COUNTRY_LANGUAGES = {
    "FR": "fr",
    "BE": "nl",
    "CH": "de",
    "DE": "de",
    "AT": "de",
    "NL": "nl",
    "ES": "es",
    "MX": "es",
    "CR": "es",
    "AR": "es",
    "CL": "es",
    "PE": "es",
    "CO": "es",
    "EC": "es",
    "UY": "es",
    "PT": "pt",
    "BR": "pt-br",
    "IT": "it",
    "PL": "pl",
    "CZ": "cs",
    "SE": "sv",
    "NO": "nb",
    "DK": "da",
    "FI": "fi",
    "GR": "el",
    "HU": "hu",
    "UA": "uk",
    "RO": "ro",
    "CM": "fr",
    "SN": "fr",
    "RW": "fr",
    "EG": "ar",
    "ET": "am",
    "JP": "ja",
    "TW": "zh-hant",
    "KR": "ko",
    "MY": "ms",
    "TH": "th",
    "ID": "id",
    "IN": "hi",
    "NP": "ne",
    "BD": "bn",
    "IR": "fa",
    "AE": "ar",
    "IL": "he",
    "TR": "tr",
    "PK": "ur",
    "VN": "vi",
    "CA": "fr",
}

# Where the demo's birthday kits go: to these cities' Jams, at their venues, in their own
# countries (one at home, three abroad, so that customs forms have something to declare).
# City: (recipient, street, postcode, phone). Streets are made up; the phone numbers are
# in the ranges set aside for drama and examples where a country has one.
KIT_ADDRESSES = {
    "Bristol": ("Olu Adeyemi", "12 Harbourside Walk", "BS1 5TX", "+44 117 496 0123"),
    "Paris": ("Camille Martin", "30 avenue Corentin Cariou", "75019", "+33 1 99 00 12 34"),
    "京都": ("山田 花子", "中京区寺町通 12", "604-8005", "+81 75 000 0000"),
    "Yaoundé": ("Amina Njoya", "Rue 1.750, Bastos", "", "+237 6 00 00 00 00"),
}

# The demo kit's items: name, sizes, most per request, value each (GBP), grams each and the
# Harmonized System code customs declare: knitted cotton T-shirts 6109.10; printed paper
# stickers and a printed poster as "other printed matter" 4911.99 and "pictures" 4911.91.
KIT_ITEMS = [
    ("T-shirt", ["S", "M", "L", "XL"], 6, "8.00", 180, "6109.10"),
    ("Sticker sheet", [], 50, "0.20", 5, "4911.99"),
    ("Birthday poster", [], 2, "1.50", 60, "4911.91"),
]
