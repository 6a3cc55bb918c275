# XGBoost hist through its C API with ctypes only (no numpy): for machines without python3-xgboost.
import ctypes, sys, time, array, json
lib = ctypes.cdll.LoadLibrary(sys.argv[1])
D = sys.argv[2]; F = int(sys.argv[3]); reps = int(sys.argv[4]); nthread = sys.argv[5]
def rd(name, code):
    a = array.array(code); 
    with open(D + '/' + name, 'rb') as f: a.frombytes(f.read())
    return a
xtr = rd('xtr.f32', 'f'); ytr = rd('ytr.f32', 'f'); xte = rd('xte.f32', 'f')
ntr = len(ytr); nte = len(xte) // F
def check(r):
    if r != 0: raise RuntimeError(lib.XGBGetLastError())
lib.XGBGetLastError.restype = ctypes.c_char_p
major, minor, patch = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
lib.XGBoostVersion(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
def dmat(x, n):
    h = ctypes.c_void_p()
    buf = (ctypes.c_float * len(x)).from_buffer(x)
    check(lib.XGDMatrixCreateFromMat_omp(buf, ctypes.c_uint64(n), ctypes.c_uint64(F), ctypes.c_float(float('nan')), ctypes.byref(h), ctypes.c_int(int(nthread))))
    return h
best = 1e9; best_cpu = 1e9
for r in range(reps):
    t0 = time.perf_counter(); c0 = time.process_time()
    d = dmat(xtr, ntr)
    check(lib.XGDMatrixSetFloatInfo(d, b'label', (ctypes.c_float * ntr).from_buffer(ytr), ctypes.c_uint64(ntr)))
    b = ctypes.c_void_p()
    arr = (ctypes.c_void_p * 1)(d)
    check(lib.XGBoosterCreate(arr, ctypes.c_uint64(1), ctypes.byref(b)))
    for k, v in dict(objective='binary:logistic', tree_method='hist', max_depth='3', eta='0.3', reg_lambda='1', min_child_weight='1', max_bin='256', nthread=nthread, base_score='0.5').items():
        check(lib.XGBoosterSetParam(b, k.encode(), str(v).encode()))
    for it in range(100):
        check(lib.XGBoosterUpdateOneIter(b, ctypes.c_int(it), d))
    best = min(best, time.perf_counter() - t0); best_cpu = min(best_cpu, time.process_time() - c0)
dte = dmat(xte, nte)
olen = ctypes.c_uint64(); optr = ctypes.POINTER(ctypes.c_float)()
check(lib.XGBoosterPredict(b, dte, ctypes.c_int(0), ctypes.c_uint(0), ctypes.c_int(0), ctypes.byref(olen), ctypes.byref(optr)))
out = array.array('d', (optr[i] for i in range(olen.value)))
with open(D + '/pte.f64', 'wb') as f: out.tofile(f)
print(json.dumps(dict(time=best, cpu=best_cpu, version='%d.%d.%d' % (major.value, minor.value, patch.value))))
