#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""oci_image.py OUT NAME APPLET... - an OCI image archive (what `ctr images
import` takes) of one layer: /bin/busybox from the host (busybox-static)
and a symlink to it for each applet named, PATH=/bin. The manifest carries
containerd's io.containerd.image.name annotation, so the import names the
image NAME; no registry is involved."""
import hashlib
import io
import json
import sys
import tarfile

OCI = "application/vnd.oci.image."


def add(tf, name, data, mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    tf.addfile(ti, io.BytesIO(data))


def blob(tf, data, media_type):
    digest = hashlib.sha256(data).hexdigest()
    add(tf, "blobs/sha256/" + digest, data)
    return {"mediaType": OCI + media_type, "digest": "sha256:" + digest, "size": len(data)}


def layer(applets):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as lt:
        for d in ("bin", "dev", "etc", "proc", "sys", "tmp"):
            ti = tarfile.TarInfo(d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o1777 if d == "tmp" else 0o755
            lt.addfile(ti)
        with open("/bin/busybox", "rb") as f:
            add(lt, "bin/busybox", f.read(), 0o755)
        for a in applets:
            ti = tarfile.TarInfo("bin/" + a)
            ti.type = tarfile.SYMTYPE
            ti.linkname = "busybox"
            lt.addfile(ti)
    return buf.getvalue()


def main():
    out, name, applets = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tarfile.open(out, "w") as tf:
        lay = blob(tf, layer(applets), "layer.v1.tar")
        config = {"architecture": "amd64", "os": "linux",
                  "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
                  "rootfs": {"type": "layers", "diff_ids": [lay["digest"]]}}
        cfg = blob(tf, json.dumps(config).encode(), "config.v1+json")
        manifest = {"schemaVersion": 2, "mediaType": OCI + "manifest.v1+json",
                    "config": cfg, "layers": [lay]}
        man = blob(tf, json.dumps(manifest).encode(), "manifest.v1+json")
        man["annotations"] = {"io.containerd.image.name": name}
        man["platform"] = {"architecture": "amd64", "os": "linux"}
        add(tf, "oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())
        add(tf, "index.json", json.dumps({"schemaVersion": 2, "manifests": [man]}).encode())


if __name__ == "__main__":
    main()
