# attack: ignore SIGTERM/SIGINT/SIGHUP/SIGALRM, catch every exception, and loop forever in one function
# expect: fails batched_matvec
# says: did not return within
import signal

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGUSR1, signal.SIGXCPU):
    signal.signal(_sig, signal.SIG_IGN)


def batched_matvec(A, v):
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001 - whatever the grader raises in here
            continue
