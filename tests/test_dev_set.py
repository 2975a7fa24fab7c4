"""The development icon set (benchmarks.dev_set), the held-out photos (benchmarks.photo_set)
and their measurement (benchmarks.real_pictures).

Most tests build from a tiny icon set written here, so they need rsvg-convert (which
`make test` installs) but neither npm nor the network; one more checks the committed
labels against the real icon sets where `python -m benchmarks.dev_set build` installed them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks import dev_set, photo_set, real_pictures
from fashion_cnn.common.config import CLASS_NAMES
from fashion_cnn.serving.predictor import load_bundled
from fashion_cnn.serving.preprocess import open_image, preprocess
from fashion_cnn.serving.verdict import KINDS

pytestmark = pytest.mark.skipif(
    shutil.which("rsvg-convert") is None,
    reason="rsvg-convert is not installed (make test installs librsvg2-bin)",
)

# A filled T-shirt, an outlined one, and shapes that are not garments, in 24x24 boxes.
TSHIRT = (
    '<path fill="currentColor" d="M8 3 L3 6 L5 10 L7 9 V21 H17 V9 L19 10 L21 6 L16 3 Q12 6 8 3 Z"/>'
)
OUTLINE = TSHIRT.replace(
    'fill="currentColor"', 'fill="none" stroke="currentColor" stroke-width="2"'
)
SQUARE = '<rect x="4" y="4" width="16" height="16" fill="currentColor"/>'
DISC = '<circle cx="12" cy="12" r="8" fill="currentColor"/>'
SETS = {  # source: {icon name: body}
    "mdi": {"tshirt-crew": TSHIRT, "cactus": SQUARE, "hat-fedora": DISC, "shirt-off": TSHIRT},
    "tabler": {"shirt": OUTLINE, "anchor": DISC, "gone": SQUARE},
}
LABELS = (
    "set,icon,label\nmdi,tshirt-crew,T-shirt/top\ntabler,shirt,T-shirt/top\nmdi,cactus,reject\n"
)


def write_sets(folder: Path) -> Path:
    """A node_modules folder with SETS as @iconify-json packages; tabler's "gone" hidden."""
    for source, bodies in SETS.items():
        icons = {name: {"body": body} for name, body in bodies.items()}
        if "gone" in icons:
            icons["gone"]["hidden"] = True
        package = folder / "@iconify-json" / source
        package.mkdir(parents=True)
        data = {"prefix": source, "icons": icons, "width": 24, "height": 24}
        (package / "icons.json").write_text(json.dumps(data))
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[dict[str, str]]]:
    root = tmp_path_factory.mktemp("dev_set")
    (root / "labels.csv").write_text(LABELS)
    modules = write_sets(root / "node_modules")
    out = root / "build"
    rows = dev_set.build(out, ("mdi", "tabler"), 5, modules, root / "labels.csv")
    return out, rows


def test_labels_and_splits_come_from_the_csv_and_the_source(built):
    out, rows = built
    icons = {(r["source"], r["icon"]): (r["label"], r["split"]) for r in rows}
    assert icons == {
        ("mdi", "tshirt-crew"): ("T-shirt/top", "dev"),
        ("tabler", "shirt"): ("T-shirt/top", "held_out_source"),  # tabler is held out
        ("tabler", "anchor"): ("not_a_garment", "held_out_source"),
    }  # cactus is rejected, a hat is neither, a crossed-out shirt is left out, gone is hidden
    assert len(rows) == 3 * len(dev_set.STYLES)
    assert dev_set.read_manifest(out) == rows
    assert all((out / r["file"]).is_file() for r in rows)


def shirt_file(style: str) -> str:
    return dev_set.file_name(dev_set.Icon("mdi", "tshirt-crew", ""), style)


def test_a_rendered_icon_is_its_glyph_on_the_styles_ground(built):
    out, _ = built
    for style, ink_is_dark in (("black_on_white", True), ("white_on_dark", False)):
        gray = np.asarray(Image.open(out / shirt_file(style)).convert("L"))
        assert gray.shape == (dev_set.SIZE, dev_set.SIZE)
        ink = gray < 128 if ink_is_dark else gray > 128
        assert not ink[0].any() and not ink[:, 0].any()  # a margin all round
        assert ink[dev_set.SIZE // 2, dev_set.SIZE // 2]  # the shirt's body
        assert 0.15 < ink.mean() < 0.6
    colour = Image.open(out / shirt_file("colour_on_white"))
    r, g, b = np.asarray(colour.convert("RGB"))[dev_set.SIZE // 2, dev_set.SIZE // 2]
    assert max(r, g, b) - min(r, g, b) > 60  # a colour, not a grey


def test_the_app_reads_the_built_pictures(built, capsys):
    out, rows = built
    pre = preprocess(open_image((out / rows[0]["file"]).read_bytes()))
    assert (pre.image > 40).mean() > 0.2  # the shirt reached the 28x28 input
    predictor = load_bundled()
    readings = [real_pictures.read_picture(predictor, out, row) for row in rows]
    assert {r.verdict for r in readings} <= set(KINDS)
    assert all(r.predicted in CLASS_NAMES and r.distance > 0 for r in readings)
    real_pictures.report(readings)
    printed = capsys.readouterr().out
    assert "held_out_source" in printed and "T-shirt/top" in printed


def test_the_card_keeps_the_craft_set_apart_and_other_held_out_sources_together():
    def reading(source: str, label: str, split: str = "held_out_source") -> real_pictures.Reading:
        return real_pictures.Reading(
            "f", source, "s", label, split, "Bag", "unsure", "drawing", 1.0, 5.0, 0.0
        )

    readings = [
        reading(source, label)
        for source in ("own_craft", "tabler", "la")
        for label in ("Bag", dev_set.NOT_A_GARMENT)
    ]
    readings += [reading("mdi", "Bag", split="dev")]
    readings += [reading(s, "Bag", split="development") for s in ("own", "own_sketch")]
    groups = real_pictures.card_groups(readings, "some_set")
    assert {key: len(group) for key, (_, group) in groups.items()} == {
        "own_craft": 2,
        "some_set": 4,  # tabler and la; never a dev or development picture
    }
    only_garments = [r for r in readings if r.label == "Bag"]
    assert real_pictures.card_groups(only_garments, "some_set") == {}  # no figure is NaN


def test_unknown_labels_are_refused(tmp_path):
    (tmp_path / "labels.csv").write_text("set,icon,label\nmdi,tshirt-crew,Tshirt\n")
    with pytest.raises(ValueError, match="Tshirt"):
        dev_set.read_labels(tmp_path / "labels.csv")


def test_one_filled_and_one_outlined_variant_per_glyph():
    names = {
        "fluent": "shirt-16-filled shirt-20-filled shirt-20-regular shirt-32-filled "
        "bag-24-filled bag-28-filled bag-24-color bag-20-light",
        "material-symbols": "backpack backpack-outline backpack-rounded backpack-outline-sharp",
        "ic": "baseline-backpack outline-backpack twotone-backpack round-backpack",
    }
    icons = [dev_set.Icon(s, n, "") for s, group in names.items() for n in group.split()]
    kept = {f"{i.source}:{i.name}" for i in dev_set.distinct_glyphs(icons)}
    assert kept == {
        "fluent:shirt-20-filled",
        "fluent:shirt-20-regular",
        "fluent:bag-24-filled",
        "material-symbols:backpack",
        "material-symbols:backpack-outline",
        "ic:baseline-backpack",
        "ic:outline-backpack",
    }


def test_auroc_from_ranks():
    assert real_pictures.auroc(np.array([1.0, 2]), np.array([3.0, 4])) == 1.0
    assert real_pictures.auroc(np.array([3.0, 4]), np.array([1.0, 2])) == 0.0
    assert real_pictures.auroc(np.array([1.0, 2]), np.array([2.0, 1])) == 0.5  # ties half
    assert real_pictures.auroc(np.array([1.0, 3]), np.array([2.0, 4])) == 0.75


@pytest.mark.skipif(
    not dev_set.NODE_MODULES.exists(),
    reason="the icon sets are not installed (python -m benchmarks.dev_set build)",
)
def test_the_committed_labels_name_real_icons_and_render(tmp_path):
    labels = dev_set.read_labels()
    for source in dev_set.SETS:
        candidates = {i.name for i in dev_set.candidates(dev_set.load_set(source).values())}
        assert {n for s, n in labels if s == source} == candidates  # every one looked at
    rows = dev_set.build(tmp_path / "build", ("uil",), 2)
    backpack = next(r for r in rows if r["icon"] == "backpack")
    assert (backpack["label"], backpack["split"]) == ("Bag", "dev")
    gray = np.asarray(Image.open(tmp_path / "build" / backpack["file"]).convert("L"))
    assert 0.05 < (gray < 128).mean() < 0.6


def test_outliers_to_train_on_are_never_the_measured_icons_nor_accessories():
    names = [f"thing-{k}" for k in range(120)] + ["bag-x", "hat-fedora", "person-walking"]
    icons = [dev_set.Icon("mdi", name, "") for name in names]
    measured = dev_set.non_garments(icons, dev_set.NON_GARMENTS_PER_SET)
    trained = dev_set.training_outliers(icons, 40)
    assert len(measured) == dev_set.NON_GARMENTS_PER_SET and len(trained) == 40
    assert not {i.name for i in measured} & {i.name for i in trained}
    assert all(i.name.startswith("thing-") for i in measured + trained)
    assert "fluent" in dev_set.HELD_OUT_SOURCES and dev_set.split_of("fluent") != "dev"


def test_the_hand_drawn_icons_have_every_class_and_render_as_a_development_set(tmp_path):
    from benchmarks import own_set

    drawings = own_set.load_drawings()
    labels = [label for _, label in drawings]
    assert {n: labels.count(n) for n in CLASS_NAMES} == dict.fromkeys(CLASS_NAMES, 12)
    assert labels.count(dev_set.NOT_A_GARMENT) == 40
    rows = own_set.build(tmp_path / "build", sets=(own_set.ICONS,))
    assert len(rows) == len(drawings) * len(dev_set.STYLES)
    assert {r["split"] for r in rows} == {"development"} and {r["source"] for r in rows} == {"own"}


BOTH = ("as_drawn_on_white", "as_drawn_transparent")
DEV, HELD = "development", "held_out_source"


@pytest.mark.parametrize(
    ("name", "per_class", "others", "renderings", "split", "styles", "coloured"),
    [
        ("COLOUR", 4, 24, ("doodle", "emoji"), DEV, BOTH, 0.2),
        ("SKETCH", 3, 12, ("flat", "sketch"), DEV, BOTH, 0.2),
        ("SHADED", 4, 16, ("gradient", "hatched"), DEV, BOTH, 0.2),
        ("MIXED", 3, 12, ("sticker", "pixel", "watercolour", "chalk"), DEV, BOTH, 0.2),
        # On grounds of their own (paper, a wall): rendered once; crayon leaves gaps.
        ("CRAFT", 3, 12, ("crayon", "technical", "neon", "linocut"), HELD, BOTH[:1], 0.1),
        ("FRESH", 3, 12, ("stitch", "blueprint", "papercut", "ballpoint"), HELD, BOTH[:1], 0.1),
    ],
)
def test_an_as_drawn_set_has_every_class_and_renders_in_colour(
    tmp_path, monkeypatch, name, per_class, others, renderings, split, styles, coloured
):
    """Each set's first rendering named here is checked in its styles: on white and, where
    it has no ground of its own, on a clear one; `coloured`: its share of coloured pixels.
    Only that design is rendered (a whole set's filters take minutes); `make bench` and the
    benchmarks render them all."""
    from benchmarks import own_set

    stem = f"coat-2-{renderings[0]}."
    render_all = dev_set.render_all
    monkeypatch.setattr(
        dev_set, "render_all", lambda jobs: render_all([j for j in jobs if stem in j[2].name])
    )
    drawn = getattr(own_set, name)
    drawings = own_set.load_drawings(drawn)
    labels = [label for _, label in drawings]
    per_label = dict.fromkeys(CLASS_NAMES, per_class * len(renderings))
    assert {n: labels.count(n) for n in CLASS_NAMES} == per_label
    assert labels.count(dev_set.NOT_A_GARMENT) == others * len(renderings)
    assert {icon.name.rsplit("-", 1)[1] for icon, _ in drawings} == set(renderings)
    out = tmp_path / "build"
    rows = own_set.build(out, sets=(drawn,))
    assert len(rows) == len(drawings) * len(styles)
    assert {r["split"] for r in rows} == {split} and {r["source"] for r in rows} == {drawn.source}
    assert {r["style"] for r in rows} == set(styles)
    assert dev_set.read_manifest(out) == rows
    picture = out / drawn.source / stem
    on_white = np.asarray(Image.open(f"{picture}as_drawn_on_white.png").convert("RGBA"))
    if "as_drawn_transparent" in styles:
        clear = np.asarray(Image.open(f"{picture}as_drawn_transparent.png").convert("RGBA"))
        assert tuple(on_white[0, 0]) == (255, 255, 255, 255) and clear[0, 0, 3] == 0
    rgb = on_white[..., :3].astype(int)
    assert (rgb.max(axis=2) - rgb.min(axis=2) > 60).mean() > coloured  # drawn in colour


def test_every_set_goes_into_one_manifest_and_training_takes_no_held_out_one(tmp_path, monkeypatch):
    from benchmarks import own_set
    from fashion_cnn.training.pictures import picture_files
    from fashion_cnn.training.styles import development_garment_files

    monkeypatch.setattr(dev_set, "render_all", lambda jobs: None)  # the manifest alone
    rows = own_set.build(tmp_path)
    assert {(r["source"], r["split"]) for r in rows} == {
        ("own", "development"),
        ("own_colour", "development"),
        ("own_sketch", "development"),
        ("own_shaded", "development"),
        ("own_mixed", "development"),
        ("own_craft", "held_out_source"),
        ("own_fresh", "held_out_source"),
    }
    assert len(rows) == sum(len(own_set.load_drawings(d)) * len(d.styles) for d in own_set.SETS)
    with pytest.raises(ValueError, match="no `dev` garment icons"):
        development_garment_files(tmp_path / "manifest.csv")  # passed by mistake: refused
    trained = picture_files(tmp_path / "manifest.csv", own_set.TRAINED_ON)
    assert len(trained) == sum(r["source"] in own_set.TRAINED_ON for r in rows)
    for held_out in (own_set.CRAFT_SOURCE, own_set.FRESH_SOURCE):
        with pytest.raises(ValueError, match="held out, never trained on"):
            picture_files(tmp_path / "manifest.csv", [*own_set.TRAINED_ON, held_out])


def test_a_colour_set_missing_a_rendering_is_refused(tmp_path):
    from benchmarks import own_set

    folder = tmp_path / "colour"
    shutil.copytree(own_set.COLOUR_DIR, folder)
    (folder / "bag-3-doodle.svg").unlink()
    with pytest.raises(ValueError, match="wanted"):
        own_set.load_drawings(own_set.COLOUR, folder)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb (Debian's) is needed")
def test_the_photo_set_keeps_each_scene_once_as_held_out_other_things(
    tmp_path, monkeypatch, capsys
):
    root = tmp_path / "package"
    (root / "DEBIAN").mkdir(parents=True)
    control = "Package: opencv-doc\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t.t>\n"
    (root / "DEBIAN" / "control").write_text(control + "Description: pictures\n")
    data = root / photo_set.DATA
    data.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in ("apple.jpg", "left01.jpg", "left02.jpg", "right01.jpg", "pic1.png"):
        pixels = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(data / name)
    (data / "notes.txt").write_text("not a picture")
    deb = tmp_path / "opencv-doc_1_all.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", root, deb], check=True)
    monkeypatch.setattr(photo_set, "fetch", lambda workdir: deb)  # no network in tests
    rows = photo_set.build(tmp_path / "build")
    assert [(r["file"], r["style"]) for r in rows] == [
        ("apple.jpg", "photo"),  # the second of a stereo pair and later frames left out
        ("left01.jpg", "photo"),
        ("pic1.png", "graphic"),
    ]
    assert {(r["label"], r["split"]) for r in rows} == {(dev_set.NOT_A_GARMENT, dev_set.HELD_OUT)}
    assert {r["source"] for r in rows} == {"opencv-doc 1"}  # the package and its version
    assert dev_set.read_manifest(tmp_path / "build") == rows
    readings = [real_pictures.read_picture(load_bundled(), tmp_path / "build", r) for r in rows]
    real_pictures.report(readings)  # a set without garments: its figures, no error
    assert "non-garments called not a garment outright" in capsys.readouterr().out
