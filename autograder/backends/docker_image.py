"""The grading image (docker/Dockerfile): build it, tag it by content, find the one to use.

An image is tagged ``torch-autograder:<variant>-<hash>``, the hash covering everything
that goes into it (Dockerfile, base image id, torch version and source, requirements,
the engine's sources), so an unchanged image is never rebuilt. The moving tag
``torch-autograder:<variant>`` points at the last build; the docker backend uses it when
its ``engine`` label matches the engine running on the host (the two ends speak one
protocol), and otherwise asks for ``make image``.

Only the engine goes into the build context (a staged folder, never the course): no
tests, solutions or notebooks can end up in the image.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import autograder
from autograder.backends.contract import BackendError
from autograder.i18n import t as _

DECIDES_GRADES = True  # the image the workers run in (cache_key.py)

REPO = "torch-autograder"
LABEL = "org.torch-autograder"
VARIANTS = ("cpu", "gpu")
DEFAULT_BASE = {"cpu": "python:3.11-slim", "gpu": "nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04"}
DEFAULT_TORCH_INDEX = {"cpu": "https://download.pytorch.org/whl/cpu",
                       "gpu": "https://download.pytorch.org/whl/cu128"}


class ImageError(BackendError):
    """The image cannot be built or used; the message says what to do."""


def package_dir() -> Path:
    return Path(autograder.__file__).resolve().parent


def project_root() -> Path:
    """The engine's source checkout (pyproject.toml + docker/); images are built from it."""
    root = package_dir().parent
    if not (root / "pyproject.toml").is_file() or not (root / "docker" / "Dockerfile").is_file():
        raise ImageError(_("{root} is not a torch-autograder checkout (no pyproject.toml and docker/Dockerfile): "
                           "build the image from a clone of the project").format(root=root))
    return root


def engine_hash() -> str:
    """A hash of the engine's Python sources, the same for a checkout and an install of it."""
    h = hashlib.sha256()
    base = package_dir()
    for f in sorted(base.rglob("*.py")):
        if "__pycache__" in f.parts:
            continue
        h.update(f.relative_to(base).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


GRADING_PINS = "requirements-grading.txt"


def grading_pins(root: Path) -> dict[str, str]:
    """The grading environment's exact versions (``requirements-grading.txt``), by name."""
    path = root / GRADING_PINS
    if not path.is_file():
        raise ImageError(_("{path} is missing: it pins the grading environment's torch (torch==X.Y.Z)").format(
            path=path))
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pins[_req_name(line)] = line
    return pins


def _req_name(req: str) -> str:
    return re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].strip().lower()


def requirements(root: Path) -> list[str]:
    """The grading environment's requirements: pyproject.toml's, with the exact versions of
    requirements-grading.txt in place of the package's ranges (torch's pin included)."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = grading_pins(root)
    reqs = [pins.get(_req_name(r), r) for r in project["dependencies"]]
    return reqs + [p for name, p in pins.items() if name not in {_req_name(r) for r in reqs}]


def torch_version(reqs: list[str]) -> str:
    for r in reqs:
        name, _sep, version = r.partition("==")
        if name.strip() == "torch" and version:
            return version.strip()
    raise ImageError(_("{file} must pin torch (torch==X.Y.Z): the image installs that version").format(
        file=GRADING_PINS))


@dataclass(frozen=True)
class ImageSpec:
    variant: str = "cpu"
    base: str | None = None  # default: DEFAULT_BASE[variant]
    torch_index_url: str | None = None  # default: DEFAULT_TORCH_INDEX[variant]
    # Fill the context's wheels/ with every requirement from this host's pip (its
    # configured wheel store), and install from there only: no index needed in the build.
    wheels: bool = False

    def __post_init__(self):
        if self.variant not in VARIANTS:
            raise ImageError(_("unknown image variant {variant}; choose one of {variants}").format(
                variant=repr(self.variant), variants=", ".join(VARIANTS)))

    @property
    def base_image(self) -> str:
        return self.base or DEFAULT_BASE[self.variant]

    @property
    def index_url(self) -> str:
        return self.torch_index_url or DEFAULT_TORCH_INDEX[self.variant]


def _base_id(client, base: str, log: Callable[[str], None]) -> str:
    import docker.errors

    try:
        return client.images.get(base).id
    except docker.errors.ImageNotFound:
        pass
    log(_("pulling base image {base} ...").format(base=base))
    try:
        return client.images.pull(base).id
    except docker.errors.APIError as e:
        raise ImageError(_("base image {base} is not here and cannot be pulled ({error}). Without a registry, "
                           "build the Debian base offline: `make image-offline` (docker/build-base.sh, then "
                           "--base with the tag it prints)").format(base=base, error=e.explanation or e)) from None


def content_hash(spec: ImageSpec, base_id: str, root: Path) -> str:
    h = hashlib.sha256()
    reqs = requirements(root)
    for part in ((root / "docker" / "Dockerfile").read_bytes(), base_id.encode(), spec.variant.encode(),
                 spec.index_url.encode(), str(spec.wheels).encode(), "\n".join(reqs).encode(),
                 engine_hash().encode(), (root / "pyproject.toml").read_bytes(),
                 (root / GRADING_PINS).read_bytes()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:12]


def _stage_context(ctx: Path, spec: ImageSpec, root: Path, log: Callable[[str], None]) -> None:
    """The build context: Dockerfile, requirements.txt, engine/<wheel>, wheels/."""
    shutil.copy(root / "docker" / "Dockerfile", ctx / "Dockerfile")
    reqs = requirements(root)
    (ctx / "requirements.txt").write_text("\n".join(reqs) + "\n", encoding="utf-8")
    (ctx / "wheels").mkdir()
    (ctx / "engine").mkdir()
    build_engine_wheel(ctx / "engine", root)  # the package, never the checkout around it
    if spec.wheels:
        for whl in wheel_cache(reqs, log).glob("*.whl"):
            _link_or_copy(whl, ctx / "wheels" / whl.name)


def build_engine_wheel(dest: Path, root: Path) -> Path:
    """The engine as a wheel in ``dest`` (built from the checkout at ``root``)."""
    isolation = ["--no-build-isolation"] if _has_setuptools() else []  # offline when it can be
    _pip(["wheel", "--no-deps", *isolation, "--wheel-dir", str(dest), str(root)], _("build the engine wheel"))
    return next(dest.glob("torch_autograder-*.whl"))


def wheel_cache(reqs: list[str], log: Callable[[str], None] = print) -> Path:
    """A folder with wheels of ``reqs`` and all they depend on, fetched once with this
    host's pip (its configured wheel store or index) and kept, keyed by the requirements."""
    key = hashlib.sha256("\n".join(sorted(reqs)).encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torch-autograder"
    folder = base / f"wheels-{key}"
    if (folder / ".complete").exists():
        return folder
    log(_("downloading torch and the requirements with this host's pip into {folder} ...").format(folder=folder))
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="wheels-", dir=base))
    try:
        _pip(["download", "--only-binary=:all:", "--dest", str(tmp), *reqs],
             _("download the wheels (is a wheel store or index configured for pip here?)"))
        (tmp / ".complete").touch()
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _has_setuptools() -> bool:
    try:
        import setuptools  # noqa: F401
    except ImportError:
        return False
    return True


def _pip(args: list[str], what: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ImageError(_("could not {what}: pip {command} failed:").format(what=what, command=" ".join(args[:2]))
                         + f"\n{proc.stderr[-3000:]}")


def build_image(client, spec: ImageSpec = ImageSpec(), log: Callable[[str], None] = print,
                force: bool = False) -> str:
    """Build (or find, when its content is unchanged) the image; returns its content tag."""
    import docker.errors

    root = project_root()
    base_id = _base_id(client, spec.base_image, log)
    digest = content_hash(spec, base_id, root)
    tag = f"{REPO}:{spec.variant}-{digest}"
    try:
        image = None if force else client.images.get(tag)
    except docker.errors.ImageNotFound:
        image = None
    if image is None:
        with tempfile.TemporaryDirectory(prefix="ag-image-") as tmp:
            ctx = Path(tmp)
            _stage_context(ctx, spec, root, log)
            log(_("building {tag} from {base} ...").format(tag=tag, base=spec.base_image))
            args = {"BASE_IMAGE": spec.base_image, "TORCH_VERSION": torch_version(requirements(root)),
                    "TORCH_INDEX_URL": spec.index_url, "WHEELS_ONLY": "1" if spec.wheels else "0"}
            labels = {f"{LABEL}.engine": engine_hash(), f"{LABEL}.content": digest,
                      f"{LABEL}.variant": spec.variant, f"{LABEL}.base": spec.base_image,
                      f"{LABEL}.version": autograder.__version__}
            # network_mode=host: pip inside the build reaches the package index (the host's
            # network); grading containers themselves never get a network.
            stream = client.api.build(path=str(ctx), tag=tag, buildargs=args, labels=labels, rm=True,
                                      forcerm=True, network_mode="host", decode=True, pull=False)
            for chunk in stream:
                if "error" in chunk:
                    raise ImageError(_("docker build failed: {error}").format(error=chunk["error"].strip()))
                text = chunk.get("stream", "").rstrip()
                if text:
                    log(text)
        image = client.images.get(tag)
    else:
        log(_("image {tag} is up to date").format(tag=tag))
    image.tag(REPO, spec.variant)
    _untag_older(client, spec.variant, tag)
    return tag


def _untag_older(client, variant: str, keep: str) -> None:
    """Earlier content tags of this variant: their layers are mostly shared, but each
    engine change would leave one more. An image a container still uses stays."""
    import docker.errors

    for image in client.images.list(name=REPO):
        for t in image.tags:
            if t.startswith(f"{REPO}:{variant}-") and t != keep and keep not in image.tags:
                try:
                    client.images.remove(t)
                except docker.errors.APIError:
                    pass


def image_size_mb(client, tag: str) -> float:
    return client.images.get(tag).attrs["Size"] / 2**20


def find_image(client, image: str | None = None, variant: str = "cpu"):
    """The image to grade with: ``image`` as given, else ``torch-autograder:<variant>``
    built from this engine. Returns (image, note); raises ImageError when there is none."""
    import docker.errors

    tag = image or f"{REPO}:{variant}"
    try:
        found = client.images.get(tag)
    except docker.errors.ImageNotFound:
        how = _("`make image` (`make image-offline` without a registry)") if variant == "cpu" else \
            _("`make image-gpu` on the GPU host")
        raise ImageError(_("image {tag} is not built here: build it with {how}, or pass --image").format(
            tag=tag, how=how)) from None
    labels = found.labels or {}
    engine = labels.get(f"{LABEL}.engine")
    if engine != engine_hash():
        what = _("image {tag} was built from other engine sources (engine {engine}, this grader {this})").format(
            tag=tag, engine=engine or _("unknown"), this=engine_hash())
        if image is None:
            raise ImageError(_("{what}: rebuild it with `make image` (or `make image-offline`)").format(what=what))
        return found, _("{what}; using it because --image names it").format(what=what)
    user = (found.attrs.get("Config") or {}).get("User") or ""
    if user.split(":")[0] in ("", "root", "0"):
        raise ImageError(_("image {tag} runs as root: grading images must set a non-root USER "
                           "(build it from docker/Dockerfile)").format(tag=tag))
    return found, None
