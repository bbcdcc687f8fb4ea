# attack: many processes each just under the per-process memory limit (6 GiB resident in all), then a plain memory bomb
# expect: fails softmax
# needs: memory_cgroup
# why: only a cgroup bounds the sum (the container's; on the local backend the worker's own, where the host has a cgroup v1 memory hierarchy, see SECURITY.md)
import os


def softmax(x, dim=-1):
    if not os.path.exists("/tmp/bombed"):  # once per container: it is slow on purpose
        open("/tmp/bombed", "w").close()
        kids = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                block = b"x" * (1536 * 2**20)  # noqa: F841 - written, so resident
                os._exit(0)
            kids.append(pid)
        for pid in kids:
            os.waitpid(pid, 0)
    hoard = []
    while True:
        hoard.append(bytearray(256 * 2**20))
