"""Word lists the importer reads homepages with, as data: no control flow here.

Nothing in these tables exists for one site: each entry is a word the genre uses (venues
known across a field, section headings in the languages homepages are written in, the labels
people put on links). A token seen on one site only belongs in a general rule instead.
"""

from __future__ import annotations

# Section headings → the kind of list under them (regular expressions, lower case).
SECTION_HEADINGS: list[tuple[str, str]] = [
    (
        "publications",
        r"publications?|papers?|preprints?|manuscripts?|journal articles?|conference proceedings"
        r"|conference papers|articles|selected works|bibliography|surveys?|\bworks\b"
        r"|论文|发表|著作|publicaciones|publicações|publikationen|pubblicazioni|artículos",
    ),
    (
        "news",
        r"\bnews\b|\bupdates?\b|announcements?|what'?s new|happenings"
        r"|新闻|动态|消息|近况|noticias|novedades|actualités|nouvelles|neuigkeiten|notícias|novità",
    ),
    (
        "honors",
        r"honou?rs?|awards?|fellowships?|\bgrants?\b|scholarships?|achievements|distinctions"
        r"|recognitions?|prizes?|获奖|荣誉|奖项|premios|prix|auszeichnungen|prémios|premi\b",
    ),
    (
        "talks",
        r"\btalks?\b|\bpresentations?\b|invited talks|\bseminars?\b|\blectures?\b"
        r"|学术报告|charlas|conférences|vorträge|palestras",
    ),
    (
        "teaching",
        r"\bteaching\b|\bcourses?\b|\bta\b|teaching assistant"
        r"|教学|docencia|enseignement|\blehre\b|ensino",
    ),
    ("projects", r"\bprojects?\b|\bresearch\b|\bportfolio\b"),
]

# Venues whose acronym is how everyone cites them, across computing and the sciences.
VENUE_ACRONYMS: list[str] = [
    "NeurIPS", "NIPS", "ICML", "ICLR", "AAAI", "IJCAI", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP",
    "NAACL", "COLING", "EACL", "KDD", "WWW", "SIGIR", "WSDM", "CIKM", "SIGCOMM", "NSDI", "OSDI",
    "SOSP", "MobiCom", "MobiSys", "INFOCOM", "CoNEXT", "MMSys", "IMC", "PAM", "HotMobile", "UAI",
    "AISTATS", "COLT", "ALT", "JMLR", "TMLR", "TPAMI", "TIP", "TSP", "ISIT", "ICASSP", "MICCAI",
    "ISBI", "CHI", "UIST", "FAccT", "ICRA", "IROS", "RSS", "CoRL", "STOC", "FOCS", "SODA", "MLSys",
    "ICDE", "VLDB", "SIGMOD", "PNAS", "TOIS", "TIST", "WACV", "BMVC", "ICSE", "FSE", "ASE",
    "PLDI", "POPL", "OOPSLA", "CCS", "USENIX", "EuroSys", "ASPLOS", "ISCA", "MICRO", "SIGGRAPH",
]  # fmt: skip
# Of those, the journals (the others are conferences).
JOURNAL_ACRONYMS: frozenset[str] = frozenset(
    {"JMLR", "TMLR", "TPAMI", "TIP", "TSP", "PNAS", "TOIS", "TIST"}
)
# Long names printed without their acronym.
VENUE_LONG_NAMES: list[tuple[str, str]] = [
    (r"neural information processing systems", "NeurIPS"),
    (r"international conference on machine learning", "ICML"),
    (r"international conference on learning representations", "ICLR"),
    (r"transactions on machine learning research", "TMLR"),
    (r"journal of machine learning research", "JMLR"),
    (r"uncertainty in artificial intelligence", "UAI"),
    (r"artificial intelligence and statistics", "AISTATS"),
    (r"computer vision and pattern recognition", "CVPR"),
    (r"association for computational linguistics", "ACL"),
    (r"empirical methods in natural language processing", "EMNLP"),
    (r"international symposium on information theory", "ISIT"),
]

# The words of a page's or a sidebar's heading ("About Me", "Home", "Bio", "Contact", "À propos",
# "Über mich", "关于我"), lower case and without accents: a "name" made only of these (or of one
# section heading) is a heading, never a person.
HEADING_PHRASE_WORDS: frozenset[str] = frozenset(
    {"about", "me", "myself", "home", "homepage", "welcome", "hello", "hi", "bio", "biography",
     "contact", "contacts", "profile", "overview", "intro", "introduction", "info",
     "information", "sidebar", "author", "page", "personal", "my", "who", "am", "i", "short",
     "brief", "more", "main", "the", "cv", "resume", "sobre", "mi", "a", "propos", "moi", "uber",
     "ueber", "mich", "chi", "sono", "quem", "sou", "关于我", "关于", "简介", "个人简介", "主页",
     "首页"}
)  # fmt: skip

# The journal macros of AASTeX (aas_macros.sty), which ADS exports and astronomers' .bib files
# use as a journal's name (``journal = {\mnras}``): macro → (the journal's name, its abbreviation).
AAS_JOURNAL_MACROS: dict[str, tuple[str, str]] = {
    "aj": ("Astronomical Journal", "AJ"),
    "actaa": ("Acta Astronomica", "AcA"),
    "araa": ("Annual Review of Astronomy and Astrophysics", "ARA&A"),
    "apj": ("Astrophysical Journal", "ApJ"),
    "apjl": ("Astrophysical Journal Letters", "ApJL"),
    "apjs": ("Astrophysical Journal Supplement Series", "ApJS"),
    "ao": ("Applied Optics", "ApOpt"),
    "apss": ("Astrophysics and Space Science", "Ap&SS"),
    "aap": ("Astronomy and Astrophysics", "A&A"),
    "aapr": ("Astronomy and Astrophysics Review", "A&ARv"),
    "aaps": ("Astronomy and Astrophysics Supplement Series", "A&AS"),
    "azh": ("Astronomicheskii Zhurnal", "AZh"),
    "baas": ("Bulletin of the American Astronomical Society", "BAAS"),
    "bac": ("Bulletin of the Astronomical Institutes of Czechoslovakia", "BAICz"),
    "caa": ("Chinese Astronomy and Astrophysics", "ChA&A"),
    "cjaa": ("Chinese Journal of Astronomy and Astrophysics", "ChJAA"),
    "icarus": ("Icarus", "Icarus"),
    "jcap": ("Journal of Cosmology and Astroparticle Physics", "JCAP"),
    "jrasc": ("Journal of the Royal Astronomical Society of Canada", "JRASC"),
    "memras": ("Memoirs of the Royal Astronomical Society", "MmRAS"),
    "mnras": ("Monthly Notices of the Royal Astronomical Society", "MNRAS"),
    "na": ("New Astronomy", "NewA"),
    "nar": ("New Astronomy Reviews", "NewAR"),
    "pra": ("Physical Review A", "PhRvA"),
    "prb": ("Physical Review B", "PhRvB"),
    "prc": ("Physical Review C", "PhRvC"),
    "prd": ("Physical Review D", "PhRvD"),
    "pre": ("Physical Review E", "PhRvE"),
    "prl": ("Physical Review Letters", "PhRvL"),
    "pasa": ("Publications of the Astronomical Society of Australia", "PASA"),
    "pasp": ("Publications of the Astronomical Society of the Pacific", "PASP"),
    "pasj": ("Publications of the Astronomical Society of Japan", "PASJ"),
    "psj": ("Planetary Science Journal", "PSJ"),
    "qjras": ("Quarterly Journal of the Royal Astronomical Society", "QJRAS"),
    "rmxaa": ("Revista Mexicana de Astronomía y Astrofísica", "RMxAA"),
    "rnaas": ("Research Notes of the American Astronomical Society", "RNAAS"),
    "skytel": ("Sky and Telescope", "S&T"),
    "solphys": ("Solar Physics", "SoPh"),
    "sovast": ("Soviet Astronomy", "SvA"),
    "ssr": ("Space Science Reviews", "SSRv"),
    "zap": ("Zeitschrift für Astrophysik", "ZA"),
    "nat": ("Nature", "Nature"),
    "iaucirc": ("IAU Circulars", "IAUC"),
    "aplett": ("Astrophysics Letters", "ApL"),
    "apspr": ("Astrophysics and Space Physics Research", "ASPRv"),
    "bain": ("Bulletin of the Astronomical Institutes of the Netherlands", "BAN"),
    "fcp": ("Fundamentals of Cosmic Physics", "FCPh"),
    "gca": ("Geochimica et Cosmochimica Acta", "GeCoA"),
    "grl": ("Geophysical Research Letters", "GeoRL"),
    "jcp": ("Journal of Chemical Physics", "JChPh"),
    "jgr": ("Journal of Geophysical Research", "JGR"),
    "jqsrt": ("Journal of Quantitative Spectroscopy and Radiative Transfer", "JQSRT"),
    "memsai": ("Memorie della Società Astronomica Italiana", "MmSAI"),
    "nphysa": ("Nuclear Physics A", "NuPhA"),
    "physrep": ("Physics Reports", "PhR"),
    "physscr": ("Physica Scripta", "PhyS"),
    "planss": ("Planetary and Space Science", "P&SS"),
    "procspie": ("Proceedings of the SPIE", "SPIE"),
    "jaavso": ("Journal of the American Association of Variable Star Observers", "JAAVSO"),
    "japa": ("Journal of Astrophysics and Astronomy", "JApA"),
    "mnassa": ("Monthly Notes of the Astronomical Society of South Africa", "MNSSA"),
    "sci": ("Science", "Science"),
}

# Words of a venue that say what kind of work it holds (regular expressions, lower case).
WORKSHOP_WORDS = r"\bworkshops?\b|\batelier\b|\bwerkstatt\b|研讨会|\btaller\b|[a-z]@\s?[a-z]"
JOURNAL_WORDS = (
    r"\bjournal\b|\btransactions\b|\bletters?\b|\breview [a-z]\b|\bnature\b|\bscience\b|"
    r"\bproc\. acm\b|\bphysical review\b|\bphys\.? rev\b|\bprx\b|\bbulletin\b|\bcommunications\b|"
    r"\bcomputing\b|\bannals\b|\bzeitschrift\b|\brevista\b|\brevue\b|期刊|学报|\btrans\."
)
THESIS_WORDS = r"\bthesis\b|\bdissertation\b|\bthèse\b|\bdissertação\b|\btesis\b|学位论文"
PREPRINT_WORDS = r"\barxiv\b|\bpreprint\b|\bbiorxiv\b|\bmedrxiv\b|\bssrn\b|\bunder review\b"
CONFERENCE_WORDS = (
    r"\bconference\b|\bproceedings\b|\bsymposium\b|\bcongress\b|\badvances in\b|\bproc\.|\bconf\.|"
    r"\b(?:annual |general |joint )?meeting\b|\bcolloquium\b|"
    r"\bconférence\b|\bkonferenz\b|\bcongreso\b|会议"
)

# The words that open a venue in a citation ("Title. In *Proceedings…*", "Title. To appear
# in *Journal…*"), as a regular expression (lower case; several languages).
VENUE_LEAD = (
    r"(?:(?:to appear|accepted|presented|published|appeared|forthcoming|submitted)\s+)?"
    r"(?:in|at|to)\s*:?|in:|dans|en|em|erschienen in|发表于"
)

# Labels people put before an entry's fields ("Authors: …", "Venue: …"), several languages.
FIELD_LABELS = (
    r"authors?|by|with|venue|published(?: in| at)?|appeared in|conference|journal|booktitle|"
    r"proceedings|where|year|date|links?|autor(?:es|en)?|auteurs?|autori|作者|会议|期刊"
)

# Ranking labels people print beside a venue ("ICLR 2025, CCF-A", "(JCR Q1, IF 9.2)"): a
# venue list's grade, not part of the venue's name (regular expression, matched as whole
# tokens).
RANK_LABELS = (
    r"CCF[- ]?[ABC](?:类)?|CORE[- ]?(?:A\*|A|B|C)|(?:JCR|CAS|SJR)[- ]?Q[1-4]|Q[1-4]|"
    r"中科院[一二三四]区|[一二三四]区|SCI(?:-?E)?|SSCI|EI|THU[- ]?[ABC]|Tsinghua[- ]?[ABC]|"
    r"清华[ABC]类?|(?:IF|Impact Factor|JIF)\s*[=:]?\s*\d+(?:\.\d+)?|h5-index\s*[=:]?\s*\d+"
)
# A line saying what a publication list's marks mean ("* denotes equal contribution").
LEGEND = (
    r"^\W{0,8}(?:(?:denotes?|indicates?|means?|marks?|stands? for)|[*+†‡#✉§¶⭑]+\W{0,4}\s*"
    r"(?:denotes?|indicates?|means?|marks?|stands? for|[:=]|-))\s*(?:the\s+)?"
    r"(?:equal|co-?first|joint|corresponding|first|student|advis)"
)

# Lines after a title that are an award, a presentation note, a status.
AWARD = (
    r"award|best\s+(?:\w+\s+){0,3}papers?|outstanding\s+paper|honou?rable mention|runner[- ]up"
    r"|\bprize\b|🏆|color\s*:\s*red"
)
AWARD_WORDS = r"award|best|outstanding|distinguished|honou?rable|runner[- ]up|prize|winner|🏆|🥇"
NOTE_LINE = (
    r"^(?:long |short )?(?:spotlight|oral|poster|highlight|contributed talk|invited talk|"
    r"selected for|top \d)"
)

# A line about a publication list, not one of its entries: citation counts and profiles.
METRIC_WORDS = (
    r"\bcitations?\b|\bcited by\b|\bh-?index\b|\bi10\b|google scholar|semantic scholar"
    r"|researchgate|\bdblp\b|\borcid\b"
)
# An education or experience entry: a degree or a role over an institution and a date range.
ROLE_WORDS = (
    r"\b(?:ph\.?\s?d|m\.?\s?sc?|b\.?\s?sc?|b\.?\s?eng|m\.?\s?eng|bachelor|master|doctor|"
    r"student|candidate|intern(?:ship)?|researcher|engineer|scientist|assistant|associate|"
    r"professor|lecturer|postdoc(?:toral)?|fellow|visiting|developer|analyst|manager)\b"
)

# Link labels → LinkKind values; a label not listed falls back on the address.
LINK_LABELS: list[tuple[str, tuple[str, ...]]] = [
    ("arxiv", ("arxiv",)),
    ("code", ("code", "github", "repo", "repository", "software", "implementation")),
    ("pdf", ("pdf",)),
    ("slides", ("slides", "slide", "ppt")),
    ("poster", ("poster",)),
    ("video", ("video", "youtube", "recording")),
    ("talk", ("talk", "presentation", "oral")),
    ("project", ("project", "project page", "demo")),
    ("website", ("website", "site", "webpage", "homepage", "web")),
    ("data", ("data", "dataset", "datasets", "benchmark")),
    ("blog", ("blog", "blog post")),
    ("bibtex", ("bibtex", "bib", "cite", "citation")),
    (
        "paper",
        (
            "paper",
            "html",
            "link",
            "doi",
            "pmlr",
            "proceedings",
            "publisher",
            "openreview",
            "journal",
            "article",
            "full text",
            "conference paper",
            "download",
        ),
    ),
]
# Hosts whose pages are the paper itself, whatever the label says (a misspelt "plmr" too).
PAPER_HOSTS = (
    "doi.org", "proceedings.mlr.press", "openreview.net", "aclanthology.org", "dl.acm.org",
    "ieeexplore.ieee.org", "link.springer.com", "sciencedirect.com", "papers.nips.cc",
    "proceedings.neurips.cc", "openaccess.thecvf.com", "nature.com", "science.org",
    "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov/pmc", "jmlr.org", "biorxiv.org", "medrxiv.org",
    "onlinelibrary.wiley.com", "academic.oup.com", "journals.aps.org", "pnas.org", "ojs.aaai.org",
    "ijcai.org", "usenix.org", "mdpi.com", "frontiersin.org", "plos.org", "cell.com",
)  # fmt: skip

# Talk kinds by the words of a talk line, the first that matches wins.
TALK_KINDS: list[tuple[str, str]] = [
    ("keynote", r"\bkeynote\b"),
    ("tutorial", r"\btutorial\b"),
    ("panel", r"\bpanel"),
    ("invited", r"\binvited\b|\bguest\b"),
    ("seminar", r"\bseminar\b|\bcolloquium\b|\breading group\b"),
    ("contributed", r"\bcontributed\b|\bspotlight\b|\boral\b"),
    ("poster", r"\bposter\b"),
]

#: Words that make a part of a CV row an institution, in the languages whose CVs put the
#: institution first and the degree or role last ("北原大学，计算机系，博士").
INSTITUTION_FIRST_WORDS: tuple[str, ...] = (
    "大学",
    "大學",
    "学院",
    "學院",
    "学校",
    "學校",
    "研究所",
    "研究院",
    "研究中心",
    "实验室",
    "實驗室",
    "科学院",
    "公司",
    "医院",
    "醫院",
)

# The words that end a date range still running ("2016 – present", "2016年6月至今"); the CJK
# ones in the order a regular expression must try them ("至今" before "今").
ONGOING_CJK: tuple[str, ...] = ("至今", "今", "现在", "目前")
ONGOING_WORDS: tuple[str, ...] = ("present", "now", "current", "today", *ONGOING_CJK)
# The dashes and words that join a range's two dates (a character class).
RANGE_DASHES = "[-–—~～至到]"

# The example works theme starters ship (academicpages' numbered placeholders, HugoBlox's
# "An example … article"), which forks often leave in place: each a regular expression matched
# against the whole of a work's title, venue, event or institution (lower case, spaces
# collapsed, trailing punctuation removed). A record matching one is the theme's, not the owner's.
THEME_SAMPLE_WORKS: tuple[str, ...] = (
    r"paper title number \d+",
    r"portfolio item number \d+",
    r"an example (?:journal |conference |book |working )?"
    r"(?:article|paper|preprint|chapter|book|thesis|talk|project)(?: ?/ ?working paper)?",
    r"journal of source themes(?:,? \d+(?: ?\(\d+\))?)?",
    r"journal \d+",
    r"(?:conference proceeding |tutorial )?talk \d+ on relevant topic in your field",
    r"tutorial \d+ on relevant topic in your field",
    r"teaching experience \d+",
)

# Words naming a place of work, never part of a person's name ("College of Paper Sciences,
# Origami State University, PA, USA" under a thesis is not four authors).
INSTITUTION_WORDS = (
    r"\b(?:universit(?:y|ies|é|ät|at|à|ad|ade|eit)|college|institute|institut|instituto|"
    r"department|school|laborator(?:y|ies)|faculty|academy|centre|center|hospital|"
    r"polytechnic)\b"
)
