"""The list-and-site half of `powerlist publish`, step by step: each release's list pass (workbook,
nested JSON, list pages, item history), the diffs for CHANGELOG, the site's finish (item pages,
law pages, search index), with wall and CPU seconds (all threads) and peak RSS — CPU seconds
compare across a loaded machine where wall seconds do not.

    PYTHONPATH=tool python benchmarks/publish_half.py /tmp/pub/root-10000 /tmp/pub/half 2024,2025,2026

ROOT is a root benchmarks/publish_bench.py built (SYNTHETIC releases); OUT is replaced; the
root's .powerlist-cache is cleared first, as publish_bench does. Works with the code before
publish.list_pass too (it then runs the old one-pass loop), for a same-sitting baseline.
"""
import sys, time, shutil, resource
from pathlib import Path
from powerlist.publish.release_data import open_release
from powerlist.publish.site import Site
from powerlist.publish.portal import portal
from powerlist.publish.changes import consecutive_diffs
from powerlist.compiled import cache_dir

root = Path(sys.argv[1]); out = Path(sys.argv[2]); tags = sys.argv[3].split(",")
shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)
shutil.rmtree(root / ".powerlist-cache", ignore_errors=True)
site = Site(out, cache_dir(root) / "spill")
try:
    from powerlist.publish.list_pass import ListPass
    lp = ListPass(site)
    def lists(rel, folder, latest): lp.write(rel, folder, latest)
except ImportError:
    from powerlist.publish.workbook import ReleaseWorkbook
    from powerlist.publish.nested_json import write_list_json
    def lists(rel, folder, latest):
        book = ReleaseWorkbook(rel, folder); site.add_release(rel, latest=latest)
        for view in rel.list_views():
            book.add(view); write_list_json(rel, view, folder); site.add_list(view)
        book.close()
def mark(label, t, c):
    print(f"{label:28s} wall {time.monotonic()-t:7.1f} s  cpu {time.process_time()-c:7.1f} s  "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB", flush=True)
rels = [open_release(root, t) for t in tags]
total_t, total_c = time.monotonic(), time.process_time()
for rel in rels:
    rel.load()
    folder = out / rel.tag; folder.mkdir()
    t, c = time.monotonic(), time.process_time()
    lists(rel, folder, rel is rels[-1])
    mark(f"{rel.tag}: list pass", t, c)
    rel.close()
t, c = time.monotonic(), time.process_time()
diffs = consecutive_diffs(root, tags)
mark("diffs (CHANGELOG)", t, c)
t, c = time.monotonic(), time.process_time()
site.finish(portal(rels[-1], None, None, None), rels, diffs, None)
mark("site finish", t, c)
site.close()
print(open("/proc/loadavg").read().strip())
