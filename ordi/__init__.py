import os

os.environ.setdefault("PICCOLO_CONF", "ordi.piccolo_conf")
