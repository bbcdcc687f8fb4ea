# attack: end the worker while the notebook loads (os._exit with status 0, as if all went well)
# expect: ungradable
import os

print("ATTACK-NOTE: leaving now")
os._exit(0)
