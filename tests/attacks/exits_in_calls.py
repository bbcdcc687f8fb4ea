# attack: leave the worker from inside calls: os._exit, sys.exit, KeyboardInterrupt, GeneratorExit, a BaseException subclass
# expect: fails one_hot batched_matvec
import os
import sys


class NotAnError(BaseException):
    pass


_how = [0]


def one_hot(labels, num_classes):
    os._exit(0)


def batched_matvec(A, v):
    _how[0] += 1
    if _how[0] % 4 == 0:
        sys.exit("bye")
    if _how[0] % 4 == 1:
        raise KeyboardInterrupt
    if _how[0] % 4 == 2:
        raise GeneratorExit
    raise NotAnError("caught by nobody")
