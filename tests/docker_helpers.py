"""What the Docker tests share: an engine (or a clear skip), the grading image, the
offline Debian base, and a Gradescope-like container.

The image is built once per content hash (`.ci/run` builds it before `make test`; a
developer's first run builds it here), and every Docker test uses that one image.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def engine():
    """A Docker SDK client, or skip: only where no engine can be reached at all."""
    from autograder.backends.docker import DockerUnavailable, docker_client

    try:
        return docker_client()
    except DockerUnavailable as e:
        pytest.skip(f"no Docker engine here ({e}); .ci/run installs and starts one")


def offline_base() -> str:
    """The debootstrap base image (built once per recipe hash by docker/build-base.sh)."""
    proc = subprocess.run([str(ROOT / "docker" / "build-base.sh")], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"docker/build-base.sh failed:\n{proc.stderr[-3000:]}")
    return proc.stdout.strip().splitlines()[-1]


def grading_image(client) -> str:
    """The image of this engine: found, or built from the offline base (never a registry)."""
    from autograder.backends.docker_image import ImageError, ImageSpec, build_image, find_image

    # The content tag (torch-autograder:cpu-<hash>), never the moving :cpu: another checkout
    # grading on the same host may point :cpu at its own engine meanwhile.
    try:
        image, _ = find_image(client)
        return next((t for t in image.tags if t.startswith("torch-autograder:cpu-")), image.tags[0])
    except ImageError:
        pass
    return build_image(client, ImageSpec(base=offline_base(), wheels=True), log=lambda line: None)


def tar_of(files: dict[str, bytes], modes: dict[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = (modes or {}).get(name, 0o644)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def read_file(container, path: str) -> bytes | None:
    import docker.errors

    try:
        stream, _ = container.get_archive(path)
    except docker.errors.NotFound:
        return None
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        member = tar.getmembers()[0]
        return tar.extractfile(member).read()


class Gradescope:
    """A container laid out like Gradescope's: the archive unzipped into
    /autograder/source, setup.sh run there once as root (the result committed as an
    image, as Gradescope builds one), then one fresh container per submission running
    /autograder/run_autograder as root and leaving /autograder/results/results.json.

    pip gets its packages from this host's wheel cache, mounted read-only: the same
    files Gradescope would download from the package index.
    """

    REPO = "autograder-gradescope-sim"

    def __init__(self, client, base: str, archive: Path, wheels: Path):
        self.client = client
        self.wheels = wheels
        self.image = f"{self.REPO}:{self._key(archive, client.images.get(base).id)}"
        self.setup_log = ""
        try:
            client.images.get(self.image)
        except Exception:  # noqa: BLE001 - not built yet
            self._setup(base, archive)
            for old in client.images.list(name=self.REPO):  # one simulated image is enough
                if self.image not in old.tags:
                    client.images.remove(old.id, force=True)

    @staticmethod
    def _key(archive: Path, base_id: str) -> str:
        """The archive's content (its engine wheel by the engine's hash: a rebuilt wheel
        differs in its timestamps only) and the base: setup.sh runs again when they change."""
        import hashlib

        from autograder.backends.docker_image import engine_hash

        h = hashlib.sha256(base_id.encode() + engine_hash().encode())
        with zipfile.ZipFile(archive) as z:
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                if not info.filename.startswith("engine/"):
                    h.update(info.filename.encode() + z.read(info))
        return h.hexdigest()[:12]

    def _setup(self, base: str, archive: Path) -> None:
        files, modes = {}, {}
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                files[f"autograder/source/{info.filename}"] = z.read(info)
                modes[f"autograder/source/{info.filename}"] = (info.external_attr >> 16) & 0o777 or 0o644
        c = self.client.containers.create(
            base, ["bash", "-c", "cd /autograder/source && bash ./setup.sh && "
                                 "cp run_autograder /autograder/run_autograder && chmod 755 /autograder/run_autograder"],
            network_mode="none", environment={"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "/wheels"},
            volumes={str(self.wheels): {"bind": "/wheels", "mode": "ro"}})
        try:
            c.put_archive("/", tar_of(files, modes))
            c.start()
            code = c.wait(timeout=900)["StatusCode"]
            self.setup_log = c.logs().decode("utf-8", "replace")
            if code != 0:
                raise RuntimeError(f"setup.sh failed ({code}):\n{self.setup_log[-4000:]}")
            repo, tag = self.image.split(":")
            c.commit(repository=repo, tag=tag)
        finally:
            c.remove(force=True)

    def run(self, submission: dict[str, bytes]) -> tuple[dict | None, str, dict]:
        """Grade one submission; returns (results.json, the run's log, container state)."""
        c = self.client.containers.create(self.image, ["/autograder/run_autograder"], network_mode="none",
                                          working_dir="/autograder")
        try:
            c.put_archive("/", tar_of({f"autograder/submission/{k}": v for k, v in submission.items()}))
            c.start()
            state = c.wait(timeout=600)
            log = c.logs().decode("utf-8", "replace")
            data = read_file(c, "/autograder/results/results.json")
            return (json.loads(data) if data else None), log, state
        finally:
            c.remove(force=True)
