"""Real photos of other things, held out: OpenCV's sample pictures, to see whether the
verdict keeps a photo of something else from being read as a garment.

    python -m benchmarks.photo_set build [--out DIR]
    python -m benchmarks.real_pictures --dir benchmarks/photo_set/build

`build` fetches Debian's `opencv-doc` package (`apt-get download`, no root needed),
takes the pictures of its examples' data folder (fruit, a baboon, a butterfly, a
building, a football player, a squirrel, chessboards; logos, renders, test patterns,
text) and writes them
with a manifest that `benchmarks.real_pictures` reads: every one a non-garment of the
held-out split. Frames that repeat a scene (the right image of a stereo pair, a
calibration series beyond its first frame) are left out, so each scene counts once.
No garment is among them. None is trained or calibrated on; the set took part in one
choice (the even ground that preprocessing's colour step asks for, docs/model.md). The
source column names the package's version.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from benchmarks.dev_set import FIELDS, HELD_OUT, NOT_A_GARMENT

HERE = Path(__file__).with_suffix("")
DEFAULT_OUT = HERE / "build"
PACKAGE = "opencv-doc"
DATA = "usr/share/doc/opencv-doc/examples/data/"
PICTURE = re.compile(r"[^/]+\.(jpg|png)$")
# A scene's repeats: the second of a pair, and calibration frames after the first.
REPEATS = re.compile(
    r"^(right\d*|left(0[2-9]|1\d)|aloe[RG]|basketball2|Blender_Suzanne2|graf3|leuvenB"
    r"|rubberwhale2|imageTextR|ela_modified|text_defocus)\."
)
# The camera's pictures, by name; the rest are graphics (logos, renders, test patterns,
# clip art, a painting, text).
PHOTOS = {
    "aero1", "aero3", "aloeL", "apple", "baboon", "basketball1", "blox", "board", "box",
    "box_in_scene", "building", "butterfly", "chicky_512", "ela_original", "fruits",
    "graf1", "home", "left", "left01", "leuvenA", "licenseplate_motion", "messi5",
    "orange", "rubberwhale1", "smarties", "squirrel_cls", "stuff", "sudoku", "text_motion",
}  # fmt: skip


def fetch(workdir: Path) -> Path:
    """The package's .deb, downloaded by apt into `workdir`."""
    subprocess.run(["apt-get", "download", PACKAGE], cwd=workdir, check=True)
    return next(workdir.glob(f"{PACKAGE}_*.deb"))


def pictures(deb: Path, out: Path) -> list[str]:
    """Extract the data folder's pictures (not their repeats) into `out`; their names."""
    out.mkdir(parents=True, exist_ok=True)
    names = []
    with tempfile.TemporaryFile() as raw:
        subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, stdout=raw)
        raw.seek(0)
        with tarfile.open(fileobj=raw) as tar:
            for member in tar.getmembers():
                path = member.name.removeprefix("./")
                name = path.removeprefix(DATA)
                if path.startswith(DATA) and PICTURE.fullmatch(name) and member.isfile():
                    if REPEATS.match(name):
                        continue
                    (out / name).write_bytes(tar.extractfile(member).read())
                    names.append(name)
    return sorted(names)


def build(out: Path) -> list[dict[str, str]]:
    """Fetch, extract and write `out`/manifest.csv; its rows."""
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory() as work:
        deb = fetch(Path(work))
        names = pictures(deb, out)
    source = " ".join(deb.stem.split("_")[:2])  # "opencv-doc 4.6.0+dfsg-12"
    rows = []
    for name in names:
        style = "photo" if Path(name).stem in PHOTOS else "graphic"
        values = (name, source, Path(name).stem, style, NOT_A_GARMENT, HELD_OUT)
        rows.append(dict(zip(FIELDS, values, strict=True)))
    with (out / "manifest.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("build",))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = build(args.out)
    print(f"{len(rows)} pictures of {rows[0]['source']}; manifest: {args.out / 'manifest.csv'}")


if __name__ == "__main__":
    main()
