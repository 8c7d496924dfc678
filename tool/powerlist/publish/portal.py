"""What an open-data portal reads about the dataset — title, licence, publisher, sources, keywords —
decided once here and written as Datasette metadata.json, DCAT-AP (dcat.json), schema.org JSON-LD
(on the site's index page) and the published datapackage.json fields.

Licence. The documents themselves are official texts of state organs, which the PRC Copyright
Law (art. 5) leaves outside copyright; the compilation (the normalized tables, their schemas
and the tool's derived columns) is offered under CC BY 4.0, as the data package has always
declared. The code is MIT (LICENSE).

Sources. Each list's document is described by what the documents themselves print (publisher,
文号, date) or what the package records as inferred, marked so; a URL is given only where a
source states one — none of the sources at hand does, so none is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import PowerlistError
from ..descriptor import CONTRIBUTORS, KEYWORDS, LICENSES, source_entry
from .release_data import ReleaseData

DATA_LICENSE_NOTE = ("汇编数据（规范化表格、表结构及派生列）采用 CC BY 4.0 许可；清单原文为国家机关的规范性文件，"
                     "依《中华人民共和国著作权法》第五条不适用著作权保护。")
# One release per annual dynamic adjustment (动态调整).
DCAT_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"

MEDIA_TYPES = {".zip": "application/zip", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".duckdb": "application/octet-stream", ".sqlite": "application/vnd.sqlite3",
               ".parquet": "application/vnd.apache.parquet", ".json": "application/json", ".txt": "text/plain",
               ".md": "text/markdown"}


@dataclass
class Portal:
    title: str
    description: str
    base_url: str                 # where dist/site/ is served ("" when unknown: links stay relative)
    license: dict                 # {name, title, path} from the data package
    publisher: str
    contact: str = ""             # an e-mail address or URL for questions ("" when none is given)
    keywords: list[str] = field(default_factory=lambda: list(KEYWORDS))

    def url(self, path: str) -> str:
        """An absolute URL under the site when a base URL is known, else the relative path."""
        return f"{self.base_url.rstrip('/')}/{path}" if self.base_url else path


def portal(latest: ReleaseData, title: str | None, base_url: str | None, contact: str | None = None) -> Portal:
    if base_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url.strip()):
        raise PowerlistError(f"--base-url {base_url!r} is not an http(s) URL such as https://data.example.org/powerlist/")
    if title is not None and not title.strip():
        raise PowerlistError("--title is empty")
    contact = (contact or "").strip()
    if contact and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+|https?://\S+", contact):
        raise PowerlistError(f"--contact {contact!r} is neither an e-mail address nor an http(s) URL")
    d = latest.package.descriptor
    lic = LICENSES[0]  # the licence decided now (a release's own descriptor is frozen as it was)
    return Portal(title or d.get("title") or latest.name, d.get("description", ""), (base_url or "").strip(),
                  {"name": lic.get("name", ""), "title": lic.get("title", ""), "path": lic.get("path", "")},
                  CONTRIBUTORS[0]["title"], contact)


def document_sources(rel: ReleaseData) -> list[dict]:
    """One entry per list document of the release (descriptor.source_entry), path as frozen in it."""
    return [{**source_entry(lst), "frozen_path": f"releases/{rel.tag}/{lst['source_file']}"}
            for lst in rel.tables.get("lists", [])]


@dataclass(frozen=True)
class Download:
    tag: str          # the release, or "" for files across releases
    title: str
    path: str         # relative to dist/site/ (downloads/…)
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get("." + self.path.rsplit(".", 1)[-1], "application/octet-stream")


def dcat(meta: Portal, releases: list[ReleaseData], downloads: list[Download]) -> dict:
    """DCAT-AP 2 as JSON-LD: one catalog, one dataset, a distribution per downloadable file."""
    latest = releases[-1]
    dataset = {
        "@id": meta.url("index.html#dataset"),
        "@type": "dcat:Dataset",
        "dct:title": meta.title,
        "dct:description": meta.description,
        "dcat:keyword": meta.keywords,
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": meta.publisher},
        "dct:license": {"@id": meta.license["path"]},
        "dct:rights": DATA_LICENSE_NOTE,
        "dct:accrualPeriodicity": {"@id": DCAT_FREQUENCY},
        "dct:spatial": "广西壮族自治区",
        **({"dcat:contactPoint": {"@type": "vcard:Kind", "vcard:fn": meta.publisher,
                                  ("vcard:hasEmail" if "@" in meta.contact and not meta.contact.startswith("http")
                                   else "vcard:hasURL"): {"@id": contact_iri(meta.contact)}}} if meta.contact else {}),
        "dct:issued": {"@value": releases[0].date, "@type": "xsd:date"},
        "dct:modified": {"@value": latest.date, "@type": "xsd:date"},
        "owl:versionInfo": latest.tag,
        "dcat:landingPage": {"@id": meta.url("index.html")},
        "dct:source": [_dcat_source(s) for rel in releases for s in document_sources(rel)],
        "dcat:distribution": [{
            "@type": "dcat:Distribution",
            "dct:title": f"{d.tag} · {d.title}" if d.tag else d.title,
            "dcat:accessURL": {"@id": meta.url(d.path)},
            "dcat:downloadURL": {"@id": meta.url(d.path)},
            "dcat:mediaType": d.media_type,
            "dcat:byteSize": {"@value": str(d.size), "@type": "xsd:decimal"},
            "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                              "spdx:checksumValue": d.sha256},
            "dct:license": {"@id": meta.license["path"]},
        } for d in downloads],
    }
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/", "owl": "http://www.w3.org/2002/07/owl#",
                     "spdx": "http://spdx.org/rdf/terms#", "xsd": "http://www.w3.org/2001/XMLSchema#",
                     "vcard": "http://www.w3.org/2006/vcard/ns#"},
        "@type": "dcat:Catalog",
        "dct:title": meta.title,
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": meta.publisher},
        "dcat:dataset": [dataset],
    }


def contact_iri(contact: str) -> str:
    return contact if contact.startswith("http") else f"mailto:{contact}"


def _dcat_source(s: dict) -> dict:
    out = {"@type": "dct:BibliographicResource", "dct:title": s["title"], "dct:identifier": s["frozen_path"]}
    if s.get("publisher"):
        out["dct:publisher"] = {"@type": "foaf:Agent", "foaf:name": s["publisher"]}
    if s.get("doc_no"):
        out["dct:bibliographicCitation"] = s["doc_no"]
    if s.get("issued_on"):
        out["dct:issued"] = s["issued_on"]
    return out


def schema_org(meta: Portal, releases: list[ReleaseData], downloads: list[Download]) -> dict:
    """schema.org Dataset (JSON-LD) for the site's index page, as search engines read it."""
    latest = releases[-1]
    based_on = []
    for rel in releases:
        for s in document_sources(rel):
            work = {"@type": "Legislation" if s.get("doc_no") else "CreativeWork", "name": s["title"],
                    "identifier": s.get("doc_no") or s["frozen_path"]}
            if s.get("publisher"):
                work["publisher"] = {"@type": "GovernmentOrganization", "name": s["publisher"]}
            if s.get("issued_on"):
                work["datePublished"] = s["issued_on"]
            based_on.append(work)
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": meta.title,
        "description": meta.description,
        "url": meta.url("index.html"),
        "keywords": meta.keywords,
        "license": meta.license["path"],
        "creator": {"@type": "Organization", "name": meta.publisher},
        "publisher": {"@type": "Organization", "name": meta.publisher,
                      **({"contactPoint": {"@type": "ContactPoint", ("email" if not meta.contact.startswith("http") else "url"): meta.contact}}
                         if meta.contact else {})},
        "version": latest.tag,
        "datePublished": releases[0].date,
        "dateModified": latest.date,
        "spatialCoverage": {"@type": "Place", "name": "广西壮族自治区"},
        "isBasedOn": based_on,
        "distribution": [{"@type": "DataDownload", "name": f"{d.tag} · {d.title}" if d.tag else d.title,
                          "encodingFormat": d.media_type, "contentUrl": meta.url(d.path),
                          "contentSize": str(d.size), "sha256": d.sha256} for d in downloads],
    }
