"""Reads an HML dataset file with h5py (Debian python3) and prints what it sees as JSON: every object with its
attributes, dtype, shape, chunks, compression and data checksum, a few values, and the content hash recomputed
from the definition in core/datasets/h5.ts (hml-content-v1). Used by test/datasets."""
import hashlib
import json
import sys

import h5py
import numpy as np


def attr_record(name, v):
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str):
        return name, "str", v.encode(), v
    if isinstance(v, np.ndarray) and v.dtype == object:
        lst = [x.decode() if isinstance(x, bytes) else str(x) for x in v.tolist()]
        return name, "str[]", json.dumps(lst, ensure_ascii=False, separators=(",", ":")).encode(), lst
    a = np.atleast_1d(np.asarray(v))
    return name, "%s[%d]" % (a.dtype.str, a.size), a.astype(a.dtype.newbyteorder("<")).tobytes(), a.tolist()


def main(fn, nvalues):
    out = {"objects": {}}
    h = hashlib.sha256()
    with h5py.File(fn, "r") as f:
        objs = [("/", f)]
        f.visititems(lambda n, o: objs.append(("/" + n, o)))
        for path, o in sorted(objs, key=lambda x: x[0]):
            kind = "dataset" if isinstance(o, h5py.Dataset) else "group"
            rec = "%s\n%s\n" % (path, kind)
            attrs = {}
            for k in sorted(o.attrs.keys()):
                name, typ, payload, val = attr_record(k, o.attrs[k])
                attrs[k] = val
                if path == "/" and k == "content_hash":
                    continue
                rec += "%s\t%s\t%s\n" % (name, typ, hashlib.sha256(payload).hexdigest())
            entry = {"kind": kind, "attrs": attrs}
            if kind == "dataset":
                data = o[()]
                raw = np.ascontiguousarray(data).astype(data.dtype.newbyteorder("<")).tobytes()
                rec += "data\t%s\t%s\t%s\n" % (o.dtype.str, json.dumps(list(o.shape), separators=(",", ":")), hashlib.sha256(raw).hexdigest())
                flat = data.reshape(-1)[:nvalues]
                entry.update({
                    "dtype": o.dtype.str, "shape": list(o.shape), "chunks": list(o.chunks) if o.chunks else None,
                    "compression": o.compression, "compression_opts": o.compression_opts, "maxshape": [m if m is not None else -1 for m in o.maxshape],
                    "sha256": hashlib.sha256(raw).hexdigest(),
                    "head": [None if (isinstance(x, float) and x != x) else x for x in flat.tolist()],
                    "nan_count": int(np.isnan(data).sum()) if data.dtype.kind == "f" else 0,
                    "sum": float(np.nansum(data.astype(np.float64))),
                })
            out["objects"][path] = entry
            h.update(rec.encode())
    out["content_hash"] = h.hexdigest()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8)
