#!/usr/bin/python3
"""gensim 4 LdaModel on a bag of words exported by lda-vs-gensim.mjs — the reference for TopicKD's `lda`.

usage: /usr/bin/python3 gensim_lda.py BOW.json K SEED PASSES ITERATIONS CHUNKSIZE
BOW.json: {"V": n, "docs": [[[id, count], ...], ...]}. Prints one JSON line:
{"gensim": version, "seconds": training time, "top": [[word ids of each topic, by probability], ...]}.
One thread (gensim's LdaModel is single-threaded); perplexity evaluation off (eval_every=None).
"""
import json, sys, time
import numpy as np
import gensim
from gensim.models import LdaModel

path, K, seed, passes, iterations, chunksize = sys.argv[1], *map(int, sys.argv[2:7])
data = json.load(open(path))
corpus = [[(int(i), float(c)) for i, c in doc] for doc in data["docs"]]
id2word = {i: str(i) for i in range(data["V"])}
t0 = time.perf_counter()
m = LdaModel(corpus=corpus, id2word=id2word, num_topics=K, passes=passes, iterations=iterations,
             chunksize=chunksize, random_state=seed, alpha="symmetric", eta=None, decay=0.5, offset=1.0,
             eval_every=None, update_every=1)
seconds = time.perf_counter() - t0
topics = m.get_topics()
top = [[int(w) for w in np.argsort(-row, kind="stable")[:25]] for row in topics]
print(json.dumps({"gensim": gensim.__version__, "seconds": seconds, "top": top}))
