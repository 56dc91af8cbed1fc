"""Write a synthetic but realistic seed corpus for the scale benchmark.

    python benchmarks/make_corpus.py --records 100000 --out /tmp/corpus [--seed 0]

Every paper is invented from MSC-exosome vocabulary (cell sources, diseases, cargo such as miR-21,
processes, pathways; Chinese counterparts for vernacular titles), so the annotator has real work.  The
records go into the formats exodata reads, written to their specs, many records per file:

* MEDLINE ``.nbib`` (PubMed's tagged format), RIS ``.ris``, BibTeX ``.bib``, CSL-JSON ``.json`` and PubMed
  XML ``.xml`` (``PubmedArticleSet``);
* a few single-record pages in the spirit of the seeds: a VuFind catalogue page (seed 000), a WPRIM
  Index-Medicus page (seeds 001/003/004) and a publisher/aggregator fragment without identifiers (seed 002).

About 5% of papers appear a second time in another structured format with the same DOI (the merge must
fold them).  A few files are GB18030, UTF-16 (with BOM), UTF-8 with BOM or Windows-1252, some RIS files
use CRLF, and two junk files are added: random bytes and an HTML error page saved under an export's name.
``DIR/manifest.json`` holds the counts the build summary must reproduce.  The same ``--seed`` writes the
same bytes.  Titles are unique (after lower-casing and dropping punctuation), so no two papers can be
merged by title, year and first author.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
import time
from dataclasses import dataclass, field
from html import escape as xml_escape
from pathlib import Path

# --- Vocabulary -------------------------------------------------------------------------------------------

#: (English source tissue, abbreviation of its MSCs, Chinese)
SOURCES = (
    ("bone marrow", "BMSCs", "骨髓"),
    ("umbilical cord", "hUC-MSCs", "脐带"),
    ("adipose tissue", "ADSCs", "脂肪组织"),
    ("Wharton's jelly", "WJ-MSCs", "脐带华通胶"),
    ("placenta", "PMSCs", "胎盘"),
    ("dental pulp", "DPSCs", "牙髓"),
    ("menstrual blood", "MenSCs", "经血"),
    ("synovial membrane", "SMSCs", "滑膜"),
    ("human amniotic membrane", "hAMSCs", "羊膜"),
    ("induced pluripotent stem cell", "iMSCs", "诱导多能干细胞"),
)
#: (disease, abbreviation or None, Chinese, target organ, animal model)
DISEASES = (
    ("acute liver failure", "ALF", "急性肝衰竭", "liver", "D-galactosamine/lipopolysaccharide-induced mouse"),
    ("sepsis", None, "脓毒症", "lung", "cecal ligation and puncture"),
    ("acute kidney injury", "AKI", "急性肾损伤", "kidney", "ischemia-reperfusion rat"),
    ("osteoarthritis", "OA", "骨关节炎", "cartilage", "anterior cruciate ligament transection rat"),
    ("myocardial infarction", "MI", "心肌梗死", "heart", "left anterior descending artery ligation mouse"),
    ("ischemic stroke", None, "缺血性脑卒中", "brain", "middle cerebral artery occlusion rat"),
    ("spinal cord injury", "SCI", "脊髓损伤", "spinal cord", "contusive rat"),
    ("bronchopulmonary dysplasia", "BPD", "支气管肺发育不良", "lung", "hyperoxia-exposed neonatal mouse"),
    ("acute respiratory distress syndrome", "ARDS", "急性呼吸窘迫综合征", "lung", "lipopolysaccharide-induced mouse"),
    ("diabetic wound", None, "糖尿病创面", "skin", "streptozotocin-induced diabetic rat"),
    ("glioma", None, "胶质瘤", "brain", "orthotopic xenograft mouse"),
    ("liver fibrosis", None, "肝纤维化", "liver", "carbon tetrachloride-induced mouse"),
    ("intervertebral disc degeneration", "IVDD", "椎间盘退变", "intervertebral disc", "needle puncture rat"),
    ("rheumatoid arthritis", "RA", "类风湿关节炎", "joint", "collagen-induced arthritis mouse"),
    ("Alzheimer's disease", "AD", "阿尔茨海默病", "brain", "APP/PS1 transgenic mouse"),
    ("premature ovarian failure", "POF", "卵巢早衰", "ovary", "cyclophosphamide-induced mouse"),
    ("periodontitis", None, "牙周炎", "periodontal tissue", "ligature-induced rat"),
    ("androgenetic alopecia", "AGA", "雄激素性脱发", "hair follicle", "testosterone-induced mouse"),
    ("necrotizing enterocolitis", "NEC", "坏死性小肠结肠炎", "intestine", "neonatal rat"),
    ("ulcerative colitis", "UC", "溃疡性结肠炎", "colon", "dextran sulfate sodium-induced mouse"),
    ("psoriasis", None, "银屑病", "skin", "imiquimod-induced mouse"),
    ("osteoporosis", None, "骨质疏松症", "bone", "ovariectomized rat"),
    ("multiple organ dysfunction syndrome", "MODS", "多器官功能障碍综合征", "kidney", "polymicrobial sepsis mouse"),
    ("retinopathy of prematurity", "ROP", "早产儿视网膜病变", "retina", "oxygen-induced retinopathy mouse"),
)
CARGO = (
    "miR-21", "miR-146a", "miR-125b", "miR-223", "miR-133b", "miR-29a", "miR-181c", "miR-let-7b", "miR-17-92",
    "miR-126", "miR-199a-3p", "miR-1246", "lncRNA H19", "lncRNA MALAT1", "circHIPK3", "TSG-6", "HGF", "VEGF",
    "IL-10", "CD73", "MFG-E8", "PTEN",
)
TARGETS = ("PTEN", "TLR4", "NLRP3", "TRAF6", "IRAK1", "SOX9", "Smad7", "KLF4", "STAT3", "FOXO3", "HMGB1", "BAX")
#: Processes the exosomes promote, and (HARMFUL) processes they reduce: (English, Chinese).
PROCESSES = (
    ("macrophage polarization", "巨噬细胞极化"), ("angiogenesis", "血管生成"), ("autophagy", "自噬"),
    ("bone regeneration", "骨再生"), ("wound healing", "创面愈合"), ("immunomodulation", "免疫调节"),
    ("cartilage repair", "软骨修复"), ("neuroprotection", "神经保护"), ("hair regeneration", "毛发再生"),
    ("cell proliferation", "细胞增殖"),
)
HARMFUL = ("apoptosis", "oxidative stress", "inflammation", "fibrosis", "ferroptosis", "pyroptosis")
PATHWAYS = ("PI3K/AKT", "NF-κB", "Wnt/β-catenin", "TGF-β/Smad", "Nrf2/HO-1", "AMPK/mTOR", "MAPK/ERK", "JAK2/STAT3")
VESICLES = ("exosomes", "extracellular vesicles", "small extracellular vesicles", "exosome")
THERAPIES = ("surgery", "corticosteroids", "chemotherapy", "liver transplantation", "antibiotics", "physical therapy")

TITLE_TEMPLATES = (
    "{Source} mesenchymal stem cell‐derived {vesicles} attenuate {disease} by regulating {process}",
    "Exosomes from {abbr} carrying {cargo} alleviate {disease} via the {pathway} pathway",
    "Research progress of mesenchymal stem cell-derived {vesicles} in {disease}",
    "{Cargo}-enriched extracellular vesicles from {source} mesenchymal stromal cells promote {process} in {disease}",
    "Therapeutic potential of MSC-derived small extracellular vesicles for {disease}: a review",
    "{abbr}-derived exosomal {cargo} targets {target} to inhibit {harm} in {disease}",
    "Mesenchymal stem cell exosomes and their drug‐loading systems in {disease}",
    "Engineered {source} MSC exosomes loaded with {cargo} enhance {process} after {disease}",
    "{Process} induced by {source} mesenchymal stem cell exosomes in a {model} model of {disease}",
)
ZH_TITLE_TEMPLATES = (
    "{source}间充质干细胞来源外泌体通过调控{process}减轻{disease}",
    "间充质干细胞外泌体在{disease}中作用的研究进展",
    "{source}间充质干细胞外泌体对{disease}的保护作用及机制",
    "间充质干细胞来源的外泌体在{disease}治疗中的研究进展",
)

FAMILY_NAMES = (
    "Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu",
    "Guo", "He", "Lin", "Luo", "Gao", "Xie", "Tang", "Deng", "Feng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong",
    "Kim", "Park", "Lee", "Nguyen", "Tanaka", "Sato", "García", "Núñez", "Müller", "Schäfer", "Rossi", "Smith",
    "Johnson", "O'Brien", "Kowalski", "Dubois", "Fernández", "Pérez", "Ødegaard", "Silva", "Öztürk", "Novák",
)
GIVEN_NAMES = (
    "Shuqin", "Yu", "Jing", "Denghui", "Linrui", "Huazhong", "Qun", "Guang-Hui", "Xiaoming", "Wei", "Lei", "Yan",
    "Jian", "Hong", "Ying", "Qin-Lu", "Zhiping", "Mengting", "Lanfeng", "Yukang", "Jun", "Hao", "Xin", "Min",
    "Ji-Hoon", "Min-Jung", "Anh", "Hiroshi", "Yuki", "María José", "José", "Jürgen", "Anna", "Luca", "Sarah",
    "Michael", "Aoife", "Piotr", "Élodie", "Ana", "Sofía", "Ingrid", "João", "Ayşe", "Jiří",
)
HOSPITALS = (
    ("the First Affiliated Hospital of Zhejiang University", "Hangzhou", "China", "浙江大学医学院附属第一医院", "杭州"),
    ("West China Hospital, Sichuan University", "Chengdu", "China", "四川大学华西医院", "成都"),
    ("Lanzhou University Second Hospital", "Lanzhou", "China", "兰州大学第二医院", "兰州"),
    ("the Fourth Affiliated Hospital of Kunming Medical University", "Kunming", "China", "昆明医科大学第四附属医院",
     "昆明"),
    ("Zhongshan Hospital, Fudan University", "Shanghai", "China", "复旦大学附属中山医院", "上海"),
    ("Peking Union Medical College Hospital", "Beijing", "China", "北京协和医院", "北京"),
    ("Nanfang Hospital, Southern Medical University", "Guangzhou", "China", "南方医科大学南方医院", "广州"),
    ("Tongji Hospital, Huazhong University of Science and Technology", "Wuhan", "China", "华中科技大学同济医院",
     "武汉"),
    ("Seoul National University Hospital", "Seoul", "Korea", None, None),
    ("Hospital Universitario La Paz", "Madrid", "Spain", None, None),
    ("Charité – Universitätsmedizin Berlin", "Berlin", "Germany", None, None),
    ("Karolinska Institutet", "Stockholm", "Sweden", None, None),
    ("Mayo Clinic", "Rochester, MN", "USA", None, None),
)
DEPARTMENTS = (
    ("Department of Orthopaedics", "骨科"), ("Department of Critical Care Medicine", "重症医学科"),
    ("Department of Hepatobiliary Surgery", "肝胆外科"), ("Department of Neurosurgery", "神经外科"),
    ("Department of Nephrology", "肾内科"), ("Department of Cardiology", "心内科"),
    ("Department of Dermatology", "皮肤科"), ("Department of Neonatology", "新生儿科"),
    ("Center for Stem Cell and Regenerative Medicine", "干细胞与再生医学中心"),
    ("Department of Stomatology", "口腔科"),
)


@dataclass(frozen=True)
class Journal:
    title: str
    abbreviation: str
    issn: str
    country: str  # as MEDLINE PL / MedlineJournalInfo Country write it
    nlm_id: str
    doi_prefix: str
    publisher: str
    article_numbers: bool = False  # e-locators instead of page ranges
    chinese: bool = False  # Chinese-language journal: vernacular titles, language "chi"


JOURNALS = (
    Journal("Stem cell research & therapy", "Stem Cell Res Ther", "1757-6512", "England", "101527581",
            "10.1186/s13287", "BioMed Central", article_numbers=True),
    Journal("Journal of cellular and molecular medicine", "J Cell Mol Med", "1582-4934", "England", "101083777",
            "10.1111/jcmm", "John Wiley and Sons Inc."),
    Journal("International journal of nanomedicine", "Int J Nanomedicine", "1178-2013", "New Zealand", "101263847",
            "10.2147/IJN", "Dove Medical Press"),
    Journal("Frontiers in bioengineering and biotechnology", "Front Bioeng Biotechnol", "2296-4185", "Switzerland",
            "101632513", "10.3389/fbioe", "Frontiers Media S.A.", article_numbers=True),
    Journal("Stem cells international", "Stem Cells Int", "1687-966X", "United States", "101535822",
            "10.1155/sci", "Hindawi", article_numbers=True),
    Journal("Journal of nanobiotechnology", "J Nanobiotechnology", "1477-3155", "England", "101152208",
            "10.1186/s12951", "BioMed Central", article_numbers=True),
    Journal("Theranostics", "Theranostics", "1838-7640", "Australia", "101552395", "10.7150/thno",
            "Ivyspring International Publisher"),
    Journal("International journal of molecular sciences", "Int J Mol Sci", "1422-0067", "Switzerland",
            "101092791", "10.3390/ijms", "MDPI", article_numbers=True),
    Journal("Journal of extracellular vesicles", "J Extracell Vesicles", "2001-3078", "United States", "101610479",
            "10.1002/jev2", "John Wiley and Sons Inc.", article_numbers=True),
    Journal("Bioactive materials", "Bioact Mater", "2452-199X", "China", "101685294", "10.1016/j.bioactmat",
            "KeAi Publishing"),
    Journal("Zhonghua wei zhong bing ji jiu yi xue", "Zhonghua Wei Zhong Bing Ji Jiu Yi Xue", "2095-4352", "China",
            "101616421", "10.3760/cma.j.cn121430", "Chinese Medical Association", chinese=True),
    Journal("Zhongguo xiu fu chong jian wai ke za zhi", "Zhongguo Xiu Fu Chong Jian Wai Ke Za Zhi", "1002-1892",
            "China", "9425194", "10.7507/1002-1892", "Sichuan University", chinese=True),
    Journal("Zhonghua er ke za zhi", "Zhonghua Er Ke Za Zhi", "0578-1310", "China", "0417427",
            "10.3760/cma.j.cn112140", "Chinese Medical Association", chinese=True),
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --- Papers -------------------------------------------------------------------------------------------------


@dataclass
class Paper:
    number: int
    title: str
    title_zh: str | None
    abstract: str
    journal: Journal
    year: int
    month: int
    volume: str
    issue: str
    first_page: str
    last_page: str | None
    doi: str
    pmid: str
    pmcid: str | None
    authors: list[tuple[str, str]]
    affiliations: list[str]
    author_affiliation: list[int]  # index into affiliations for each author
    keywords: list[str]
    language: str  # MEDLINE code: eng / chi
    funders: list[str] = field(default_factory=list)

    @property
    def pages(self) -> str:
        return self.first_page if self.last_page is None else f"{self.first_page}-{self.last_page}"


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", title.lower())


class PaperFactory:
    """Invents papers from the vocabulary, deterministically from one ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_titles: set[str] = set()

    def paper(self, number: int) -> Paper:
        rng = self.rng
        journal = rng.choice(JOURNALS)
        source, abbr, source_zh = rng.choice(SOURCES)
        disease, disease_abbr, disease_zh, organ, model = rng.choice(DISEASES)
        (process, process_zh), (process2, _) = rng.sample(PROCESSES, 2)
        cargo, target, pathway = rng.choice(CARGO), rng.choice(TARGETS), rng.choice(PATHWAYS)
        words = {
            "source": source, "Source": source[0].upper() + source[1:], "abbr": abbr, "disease": disease,
            "process": process, "Process": process[0].upper() + process[1:], "cargo": cargo,
            "Cargo": cargo, "target": target, "pathway": pathway, "vesicles": rng.choice(VESICLES), "model": model,
            "harm": rng.choice(HARMFUL),
        }
        title = self._unique_title(words, number)
        year = rng.randint(2012, 2025)
        zh = None
        if journal.chinese:
            zh = rng.choice(ZH_TITLE_TEMPLATES).format(source=source_zh, disease=disease_zh, process=process_zh)
        n_authors = rng.randint(2, 9)
        authors = [(rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)) for _ in range(n_authors)]
        affiliations = [self._affiliation(journal.chinese) for _ in range(rng.randint(1, 3))]
        author_affiliation = [min(i * len(affiliations) // n_authors, len(affiliations) - 1) for i in range(n_authors)]
        if journal.article_numbers:
            first, last = str(rng.randint(100, 999999)), None
        else:
            start = rng.randint(1, 9000)
            first, last = str(start), str(start + rng.randint(4, 20))
        serial = f"{year}-{number:06d}"
        return Paper(
            number=number,
            title=title,
            title_zh=zh,
            abstract=self._abstract(words, disease, disease_abbr, organ, process2),
            journal=journal,
            year=year,
            month=rng.randint(1, 12),
            volume=str(max(1, year - 2000 + rng.randint(-5, 8))),
            issue=str(rng.randint(1, 24)),
            first_page=first,
            last_page=last,
            doi=f"{journal.doi_prefix}.{serial}",
            pmid=str(20_000_000 + number * 7 + rng.randint(0, 6)),
            pmcid=f"PMC{5_000_000 + number}" if rng.random() < 0.6 else None,
            authors=authors,
            affiliations=affiliations,
            author_affiliation=author_affiliation,
            keywords=self._keywords(words, disease),
            language="chi" if journal.chinese else "eng",
        )

    def _unique_title(self, words: dict[str, str], number: int) -> str:
        for _ in range(20):
            title = self.rng.choice(TITLE_TEMPLATES).format(**words)
            key = _title_key(title)
            if key not in self.used_titles:
                self.used_titles.add(key)
                return title
            words = dict(words, cargo=self.rng.choice(CARGO), process=self.rng.choice(PROCESSES)[0])
            words["Cargo"], words["Process"] = words["cargo"], words["process"][0].upper() + words["process"][1:]
        title = f"{title} (study {number})"  # vocabulary exhausted for this combination: still unique
        self.used_titles.add(_title_key(title))
        return title

    def _abstract(self, w: dict[str, str], disease: str, disease_abbr: str | None, organ: str, process2: str) -> str:
        rng = self.rng
        named = f"{disease} ({disease_abbr})" if disease_abbr else disease
        sentences = [
            f"{named[0].upper()}{named[1:]} remains a major clinical challenge, and current treatments such as "
            f"{rng.choice(THERAPIES)} offer limited benefit.",
            f"Exosomes derived from {w['source']} mesenchymal stem cells ({w['abbr']}) carry proteins, lipids and "
            f"nucleic acids such as {w['cargo']}, and act on the {organ} in a paracrine manner.",
        ]
        if rng.random() < 0.35:
            sentences += [
                f"This review summarizes how MSC-derived {w['vesicles']} regulate {w['harm']}, {process2} and the "
                f"{w['pathway']} signaling pathway in {disease}.",
                "We also discuss isolation, engineering and “drug‐loading” strategies, and the obstacles to "
                "clinical translation…",
            ]
        else:
            sentences += [
                f"In this study, {w['abbr']}-derived exosomes were isolated by ultracentrifugation and characterized "
                "by transmission electron microscopy, nanoparticle tracking analysis and western blotting for CD9, "
                "CD63 and TSG101.",
                f"Treatment with the exosomes reduced {w['harm']} and promoted {w['process']} in a {w['model']} model "
                f"of {disease} ({rng.randint(6, 24)} animals per group, P\u00a0<\u00a00.05).",
                f"Mechanistically, {w['cargo']} targeted {w['target']} and modulated the {w['pathway']} pathway.",
            ]
        sentences.append(
            f"These findings suggest that {w['abbr']}-derived exosomes are a promising cell-free therapy for {disease}."
        )
        return " ".join(sentences)

    def _keywords(self, w: dict[str, str], disease: str) -> list[str]:
        pool = ["mesenchymal stem cells", "exosomes", disease, w["process"], w["harm"], w["cargo"], w["pathway"],
                "extracellular vesicles", "cell-free therapy"]
        return self.rng.sample(pool, self.rng.randint(3, 6))

    def _affiliation(self, chinese: bool) -> str:
        rng = self.rng
        hospital, city, country, hospital_zh, city_zh = rng.choice(HOSPITALS[:8] if chinese else HOSPITALS)
        department, department_zh = rng.choice(DEPARTMENTS)
        if chinese and hospital_zh and rng.random() < 0.5:
            return f"{hospital_zh}{department_zh}，{city_zh} {rng.randint(100000, 999999)}"
        return f"{department}, {hospital}, {city} {rng.randint(100000, 999999)}, {country}."


# --- Formats ----------------------------------------------------------------------------------------------------


def initials(given: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s-]+", given) if part)


def medline_field(tag: str, value: str) -> str:
    """One MEDLINE field: ``TAG - value`` wrapped at 80 columns, continuation lines indented 6 spaces."""
    lines = textwrap.wrap(value, width=80, initial_indent=f"{tag:<4}- ", subsequent_indent=" " * 6,
                          break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def render_medline(p: Paper) -> str:
    j = p.journal
    out = [f"PMID- {p.pmid}\n", "OWN - NLM\n", "STAT- MEDLINE\n", f"DCOM- {p.year}{p.month:02d}15\n",
           f"IS  - {j.issn} (Electronic)\n", f"VI  - {p.volume}\n", f"IP  - {p.issue}\n",
           f"DP  - {p.year} {MONTHS[p.month - 1]}\n", medline_field("TI", p.title + ".")]
    if p.title_zh:
        out.append(medline_field("TT", p.title_zh))
    out += [f"PG  - {p.pages}\n", f"LID - {p.doi} [doi]\n", medline_field("AB", p.abstract)]
    for (family, given), aff in zip(p.authors, p.author_affiliation):
        out += [f"FAU - {family}, {given}\n", f"AU  - {family} {initials(given)}\n",
                medline_field("AD", p.affiliations[aff])]
    out += [f"LA  - {p.language}\n", "PT  - Journal Article\n", f"PL  - {j.country}\n",
            f"TA  - {j.abbreviation}\n", f"JT  - {j.title}\n", f"JID - {j.nlm_id}\n"]
    if p.pmcid:
        out.append(f"PMC - {p.pmcid}\n")
    out += ["OTO - NOTNLM\n"] + [f"OT  - {k}\n" for k in p.keywords]
    out += [f"AID - {p.doi} [doi]\n", "PST - ppublish\n",
            medline_field("SO", f"{j.abbreviation}. {p.year} {MONTHS[p.month - 1]};{p.volume}({p.issue}):{p.pages}. "
                                f"doi: {p.doi}.")]
    return "".join(out)


def render_ris(p: Paper) -> str:
    out = ["TY  - JOUR", f"TI  - {p.title}"]
    out += [f"AU  - {family}, {given}" for family, given in p.authors]
    out += [f"AD  - {a}" for a in p.affiliations]
    out += [f"T2  - {p.journal.title}", f"J2  - {p.journal.abbreviation}", f"VL  - {p.volume}", f"IS  - {p.issue}",
            f"SP  - {p.first_page}"]
    if p.last_page:
        out.append(f"EP  - {p.last_page}")
    out += [f"PY  - {p.year}", f"DA  - {p.year}/{p.month:02d}/15", f"SN  - {p.journal.issn}", f"DO  - {p.doi}",
            f"UR  - https://doi.org/{p.doi}", f"AB  - {p.abstract}"]
    out += [f"KW  - {k}" for k in p.keywords]
    out += ["LA  - " + ("Chinese" if p.language == "chi" else "English"), "ER  - "]
    return "\n".join(out) + "\n"


LATEX_ACCENTS = {"á": "{\\'a}", "é": "{\\'e}", "í": "{\\'i}", "ó": "{\\'o}", "ú": "{\\'u}", "ñ": "{\\~n}",
                 "ü": '{\\"u}', "ö": '{\\"o}', "ä": '{\\"a}', "ç": "{\\c{c}}", "É": "{\\'E}", "Ö": '{\\"O}',
                 "Ø": "{\\O}", "ã": "{\\~a}", "ş": "{\\c{s}}", "ř": "{\\v{r}}"}


def bibtex_escape(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("&", "\\&").replace("%", "\\%").replace("#", "\\#")


def render_bibtex(p: Paper, latex_accents: bool) -> str:
    def name(family: str, given: str) -> str:
        full = f"{family}, {given}"
        if latex_accents:
            full = "".join(LATEX_ACCENTS.get(ch, ch) for ch in full)
        return full

    first_family = re.sub(r"[^a-z]", "", p.authors[0][0].lower()) or "anon"
    key = f"{first_family}{p.year}{re.sub(r'[^a-z]', '', p.title.split()[0].lower())}{p.number}"
    fields = [
        ("author", " and ".join(name(f, g) for f, g in p.authors)),
        ("title", "{" + bibtex_escape(p.title) + "}"),
        ("journal", bibtex_escape(p.journal.title)),
        ("year", str(p.year)),
        ("volume", p.volume),
        ("number", p.issue),
        ("pages", p.first_page if p.last_page is None else f"{p.first_page}--{p.last_page}"),
        ("doi", p.doi),
        ("issn", p.journal.issn),
        ("publisher", bibtex_escape(p.journal.publisher)),
        ("abstract", bibtex_escape(p.abstract)),
        ("keywords", ", ".join(p.keywords)),
    ]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@article{{{key},\n{body}\n}}\n"


def render_csl(p: Paper) -> dict:
    item = {
        "id": f"paper-{p.number}",
        "type": "article-journal",
        "title": p.title,
        "author": [{"family": f, "given": g} for f, g in p.authors],
        "container-title": p.journal.title,
        "container-title-short": p.journal.abbreviation,
        "issued": {"date-parts": [[p.year, p.month]]},
        "DOI": p.doi,
        "PMID": p.pmid,
        "volume": p.volume,
        "issue": p.issue,
        "page": p.pages,
        "ISSN": p.journal.issn,
        "publisher": p.journal.publisher,
        "language": "zh" if p.language == "chi" else "en",
        "abstract": p.abstract,
        "keyword": ", ".join(p.keywords),
    }
    if p.pmcid:
        item["PMCID"] = p.pmcid
    return item


def render_pubmed_xml(p: Paper) -> str:
    e = xml_escape
    j = p.journal
    authors = "".join(
        f'<Author ValidYN="Y"><LastName>{e(f)}</LastName><ForeName>{e(g)}</ForeName><Initials>{initials(g)}</Initials>'
        f"<AffiliationInfo><Affiliation>{e(p.affiliations[a])}</Affiliation></AffiliationInfo></Author>\n"
        for (f, g), a in zip(p.authors, p.author_affiliation)
    )
    end_page = f"<EndPage>{p.last_page}</EndPage>" if p.last_page else ""
    vernacular = f"<VernacularTitle>{e(p.title_zh)}</VernacularTitle>\n" if p.title_zh else ""
    keywords = "".join(f'<Keyword MajorTopicYN="N">{e(k)}</Keyword>' for k in p.keywords)
    pmc = f'<ArticleId IdType="pmc">{p.pmcid}</ArticleId>' if p.pmcid else ""
    return (
        "<PubmedArticle>\n"
        '<MedlineCitation Status="MEDLINE" Owner="NLM">\n'
        f'<PMID Version="1">{p.pmid}</PMID>\n'
        '<Article PubModel="Print-Electronic">\n'
        f'<Journal><ISSN IssnType="Electronic">{j.issn}</ISSN>'
        f'<JournalIssue CitedMedium="Internet"><Volume>{p.volume}</Volume><Issue>{p.issue}</Issue>'
        f"<PubDate><Year>{p.year}</Year><Month>{MONTHS[p.month - 1]}</Month></PubDate></JournalIssue>"
        f"<Title>{e(j.title)}</Title><ISOAbbreviation>{e(j.abbreviation)}</ISOAbbreviation></Journal>\n"
        f"<ArticleTitle>{e(p.title)}.</ArticleTitle>\n"
        f"<Pagination><StartPage>{p.first_page}</StartPage>{end_page}<MedlinePgn>{p.pages}</MedlinePgn></Pagination>\n"
        f'<ELocationID EIdType="doi" ValidYN="Y">{e(p.doi)}</ELocationID>\n'
        f"<Abstract><AbstractText>{e(p.abstract)}</AbstractText></Abstract>\n"
        f'<AuthorList CompleteYN="Y">\n{authors}</AuthorList>\n'
        f"<Language>{p.language}</Language>\n"
        '<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>\n'
        f"{vernacular}"
        "</Article>\n"
        f"<MedlineJournalInfo><Country>{j.country}</Country><MedlineTA>{e(j.abbreviation)}</MedlineTA>"
        f"<NlmUniqueID>{j.nlm_id}</NlmUniqueID></MedlineJournalInfo>\n"
        f'<KeywordList Owner="NOTNLM">{keywords}</KeywordList>\n'
        "</MedlineCitation>\n"
        "<PubmedData><ArticleIdList>"
        f'<ArticleId IdType="pubmed">{p.pmid}</ArticleId><ArticleId IdType="doi">{e(p.doi)}</ArticleId>{pmc}'
        "</ArticleIdList></PubmedData>\n"
        "</PubmedArticle>\n"
    )


PUBMED_XML_HEAD = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
    "<PubmedArticleSet>\n"
)


def render_vufind_page(p: Paper) -> str:
    """A VuFind catalogue page as copied from a browser (Spanish interface), like seed 000."""
    teaser = p.abstract[:300].rstrip() + "..."
    authors = ", ".join(f"{f}, {g}" for f, g in p.authors)
    pmc = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{p.pmcid}/\n" if p.pmcid else ""
    return (
        f"Cargando…\n\n{p.title}\n\n{teaser}\n\nDescripción completa\n\nDetalles Bibliográficos\n"
        f"Autores principales: {authors}\nFormato: Online Artículo Texto\n"
        f"Lenguaje:{'Chinese' if p.language == 'chi' else 'English'}\n"
        f"Publicado: {p.journal.publisher} {p.year}\nMaterias:\nAcceso en línea:{pmc}"
        f"https://www.ncbi.nlm.nih.gov/pubmed/{p.pmid}\nhttp://dx.doi.org/{p.doi}\nDescripción\n"
        f"Sumario:{p.abstract}"
    )


def render_wprim_page(p: Paper) -> str:
    """A WPRIM (Index Medicus) record page as copied from a browser, like seeds 001/003/004."""
    pad = "\n\t    \t\t\n\t\t   \t\t\n    \t "
    names = "".join(
        f"\n\t\t        \t\t\n\t\t\t        \t\t{g} {f.upper()}\n\t\t\t        \t\t\n"
        + f"\t\t\t        \t\t\t{p.author_affiliation[i] + 1}\n"
        + ("\t\t\t        \t\t;\n" if i < len(p.authors) - 1 else "")
        for i, (f, g) in enumerate(p.authors)
    )
    affiliations = "".join(f"\n\t\t\t        \t\t\t{i}. {a}\n" for i, a in enumerate(p.affiliations, 1))
    keywords = "".join(
        f"\n\t\t\t        \t\t\n\t\t\t\t        \t\t{k}{';' if i < len(p.keywords) - 1 else ''}\n"
        for i, k in enumerate(p.keywords)
    )
    vernacular = f"\n        \t\t- VernacularTitle:{p.title_zh}\n \n" if p.title_zh else ""
    return (
        f"{p.title}{pad}\n    \t{p.doi}\n   \t\t\n        \n        \t{vernacular}"
        f"\n        \t\t- Author:\n\t        \t\t{names}\n\t\t        \t\tAuthor Information\n"
        f"\t\t        \t\t{affiliations}\n        \t\t- Keywords:\n        \t\t\t{keywords}\n \n"
        f"            \t- From:\n\t            \t\t\t{p.journal.title}\n\t            \t\t"
        f" {p.year};{p.volume}({p.issue}):{p.pages}\n \n"
        f"            \t- Country{'China' if p.journal.chinese else p.journal.country}\n \n"
        f"            \t- Language:{'Chinese' if p.language == 'chi' else 'English'}\n \n"
        f"            \t- \n\t\t        \tAbstract:\n\t\t\t       \t\n\t\t\t\t        \t{p.abstract}"
    )


def render_aggregator_page(p: Paper) -> str:
    """A publisher/aggregator fragment without title or identifiers, like seed 002."""
    affiliations = "".join(f"{i}. {a}\n" for i, a in enumerate(p.affiliations, 1))
    funders = "".join(f"{f}\n" for f in p.funders)
    cited = p.number % 40
    return (
        f"Affiliation:\n{affiliations}Abstract\nAbstract\n{p.abstract}\nFunder\n{funders}"
        f"Cited by\n{cited} articles.\n订阅此论文施引文献\n"
        "订阅此论文施引文献,注册后可以免费订阅5篇论文的施引文献,订阅后可以查看论文全部施引文献"
    )


HTML_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>503 Service Temporarily Unavailable</title></head>
<body>
<h1>Service Temporarily Unavailable</h1>
<p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems.
Please try again later.</p>
<hr><address>nginx</address>
</body>
</html>
"""

# --- The corpus ------------------------------------------------------------------------------------------------

STRUCTURED = ("medline", "ris", "bibtex", "csl_json", "pubmed_xml")
SHARES = {"medline": 0.25, "ris": 0.2, "bibtex": 0.15, "csl_json": 0.15, "pubmed_xml": 0.25}
EXTENSIONS = {"medline": "nbib", "ris": "ris", "bibtex": "bib", "csl_json": "json", "pubmed_xml": "xml"}
#: Encodings by (format, index of the file within its format); every other file is UTF-8.
SPECIAL_ENCODINGS = {
    ("medline", 0): "gb18030",
    ("medline", 1): "utf-16",
    ("ris", 0): "utf-16",
    ("ris", 1): "utf-8-sig",
    ("bibtex", 0): "cp1252",
    ("wprim_page", 0): "gb18030",
}
CP1252_SAFE = str.maketrans({"‐": "-", "κ": "k", "β": "beta", "\u00a0": " "})
FUNDERS = (
    "the National Natural Science Foundation of China", "the Natural Science Foundation of Gansu Province",
    "the “Cuiying Technology Innovation” Planning Project", "the National Key R&D Program of China",
    "the Shanghai Municipal Health Commission", "the China Postdoctoral Science Foundation",
)


def records_per_file(count: int) -> int:
    """About four files per format for small corpora, at most 500 records per file."""
    return max(25, min(500, -(-count // 4)))


def build_plan(records: int, rng: random.Random) -> tuple[dict[str, list[Paper]], list[tuple[str, Paper]], int]:
    """Papers per structured format (duplicates included) and single-record pages; returns the duplicates count."""
    n_pages = min(30, max(3, records // 200)) if records >= 20 else 0
    duplicates = (records - n_pages) // 21  # 5% of the papers appear twice
    papers_needed = records - duplicates
    factory = PaperFactory(rng)
    papers = [factory.paper(number) for number in range(papers_needed)]
    pages = []
    layouts = ("vufind_page", "wprim_page", "aggregator_page")
    for k, paper in enumerate(papers[:n_pages]):
        layout = layouts[k % 3]
        if layout == "aggregator_page":
            paper.funders = rng.sample(FUNDERS, rng.randint(1, 4)) + [f"Project No. {paper.number:06d}"]
        pages.append((layout, paper))
    by_format: dict[str, list[Paper]] = {name: [] for name in STRUCTURED}
    weights = [SHARES[name] for name in STRUCTURED]
    primary = {}
    for paper in papers[n_pages:]:
        name = rng.choices(STRUCTURED, weights)[0]
        by_format[name].append(paper)
        primary[paper.number] = name
    for paper in rng.sample(papers[n_pages:], duplicates):
        other = rng.choice([name for name in STRUCTURED if name != primary[paper.number]])
        by_format[other].append(paper)
    for name in STRUCTURED:
        rng.shuffle(by_format[name])
    return by_format, pages, duplicates


def _cp1252_or_latex(match: re.Match[str]) -> str:
    char = match.group()
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return LATEX_ACCENTS[char]  # a BibTeX file in Windows-1252 writes the rest as LaTeX accents
    return char


def encode(text: str, encoding: str) -> bytes:
    if encoding == "cp1252":
        return re.sub(r"[^\x00-\x7f]", _cp1252_or_latex, text.translate(CP1252_SAFE)).encode("cp1252")
    return text.encode(encoding)


def write_corpus(records: int, out: Path, seed: int = 0) -> dict:
    """Write the corpus into ``out`` and return the manifest (also written to ``out/manifest.json``)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    by_format, pages, duplicates = build_plan(records, rng)
    files = []

    def write(name: str, fmt: str, text: str, encoding: str, count: int, newline: str = "\n") -> None:
        if newline != "\n":
            text = text.replace("\n", newline)
        (out / name).write_bytes(encode(text, encoding))
        files.append({"file": name, "format": fmt, "encoding": encoding, "records": count,
                      "newline": "CRLF" if newline == "\r\n" else "LF"})

    for fmt in STRUCTURED:
        papers = by_format[fmt]
        size = records_per_file(len(papers))
        for index, start in enumerate(range(0, len(papers), size)):
            chunk = papers[start : start + size]
            encoding = SPECIAL_ENCODINGS.get((fmt, index), "utf-8")
            name = f"{fmt}_{index:04d}.{EXTENSIONS[fmt]}"
            if fmt == "medline":
                text = "\n".join(render_medline(p) for p in chunk)
            elif fmt == "ris":
                text = "\n".join(render_ris(p) for p in chunk)
            elif fmt == "bibtex":
                text = "\n".join(render_bibtex(p, latex_accents=index % 2 == 1) for p in chunk)
            elif fmt == "csl_json":
                text = json.dumps([render_csl(p) for p in chunk], ensure_ascii=False, indent=2) + "\n"
            else:
                text = PUBMED_XML_HEAD + "".join(render_pubmed_xml(p) for p in chunk) + "</PubmedArticleSet>\n"
            newline = "\r\n" if fmt == "ris" and index % 3 == 2 else "\n"
            write(name, fmt, text, encoding, len(chunk), newline)

    renderers = {"vufind_page": render_vufind_page, "wprim_page": render_wprim_page,
                 "aggregator_page": render_aggregator_page}
    counters = dict.fromkeys(renderers, 0)
    for layout, paper in pages:
        index = counters[layout]
        counters[layout] += 1
        encoding = SPECIAL_ENCODINGS.get((layout, index), "utf-8")
        write(f"{layout}_{index:04d}.txt", layout, renderers[layout](paper), encoding, 1)

    junk = [("export_error_page.nbib", HTML_ERROR_PAGE.encode()),
            ("corrupt_download.ris", rng.randbytes(4096))]
    for name, data in junk:
        (out / name).write_bytes(data)
        files.append({"file": name, "format": "junk", "encoding": None, "records": 0, "newline": None})

    total = sum(f["records"] for f in files)
    assert total == records, (total, records)
    manifest = {
        "generator": "benchmarks/make_corpus.py",
        "seed": seed,
        "records": total,
        "unique_papers": total - duplicates,
        "duplicates": duplicates,
        "junk_files": len(junk),
        "files_total": len(files),
        "expected_summary": {
            "seed_files": len(files),
            "seed_records_compiled": total - duplicates,
            "seed_records_duplicate": duplicates,
            "quarantined_files": len(junk),
            "publications": total - duplicates,
            # assuming one quarantined seed_records row per junk file:
            "seed_records_rows": total + len(junk),
            "seed_records_quarantined": len(junk),
        },
        "records_by_format": {fmt: sum(f["records"] for f in files if f["format"] == fmt)
                              for fmt in (*STRUCTURED, *renderers)},
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, required=True, help="number of records to write (duplicates included)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the seed files into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (the same seed writes the same bytes)")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    start = time.perf_counter()
    manifest = write_corpus(args.records, args.out, args.seed)
    elapsed = time.perf_counter() - start
    print(
        f"wrote {manifest['records']:,} records ({manifest['unique_papers']:,} papers, {manifest['duplicates']:,} "
        f"duplicates) in {manifest['files_total']:,} files ({manifest['junk_files']} junk) to {args.out}: "
        f"{directory_size(args.out) / 1e6:.1f} MB in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
