"""The local backend: one warm zygote subprocess on this machine serves every submission."""

from __future__ import annotations

from autograder.sandbox import Zygote


class LocalBackend:
    name = "local"
    cuda = True  # workers see whatever GPU this machine has
    note: str | None = None

    def __init__(self, zygote: Zygote | None = None):
        self.zygote = zygote or Zygote()  # starts importing torch now, in parallel with us

    def acquire(self) -> Zygote:
        if self.zygote.proc.poll() is not None:  # died (killed by a student?): start another
            self.zygote = Zygote()
        return self.zygote

    def release(self, zygote: Zygote) -> None:
        pass  # kept warm for the next submission

    def describe(self) -> dict:
        return {"backend": self.name}

    def close(self) -> None:
        self.zygote.close()
