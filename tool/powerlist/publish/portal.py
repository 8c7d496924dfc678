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

from dataclasses import dataclass, field

from ..descriptor import CONTRIBUTORS, KEYWORDS, LICENSES, source_entry
from .release_data import ReleaseData

CODE_LICENSE = {"name": "MIT", "path": "https://opensource.org/licenses/MIT"}
DATA_LICENSE_NOTE = ("汇编数据（规范化表格、表结构及派生列）采用 CC BY 4.0 许可；清单原文为国家机关的规范性文件，"
                     "依《中华人民共和国著作权法》第五条不适用著作权保护。")
UPDATE_FREQUENCY = "annual"  # one release per annual dynamic adjustment (动态调整)
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
    keywords: list[str] = field(default_factory=lambda: list(KEYWORDS))

    def url(self, path: str) -> str:
        """An absolute URL under the site when a base URL is known, else the relative path."""
        return f"{self.base_url.rstrip('/')}/{path}" if self.base_url else path


def portal(latest: ReleaseData, title: str | None, base_url: str | None) -> Portal:
    d = latest.package.descriptor
    lic = LICENSES[0]  # the licence decided now (a release's own descriptor is frozen as it was)
    return Portal(title or d.get("title") or latest.name, d.get("description", ""), (base_url or "").strip(),
                  {"name": lic.get("name", ""), "title": lic.get("title", ""), "path": lic.get("path", "")},
                  CONTRIBUTORS[0]["title"])


def document_sources(rel: ReleaseData) -> list[dict]:
    """One entry per list document of the release (descriptor.source_entry), path as frozen in it."""
    return [{**source_entry(lst), "frozen_path": f"releases/{rel.tag}/{lst['source_file']}"}
            for lst in rel.tables.get("lists", [])]
