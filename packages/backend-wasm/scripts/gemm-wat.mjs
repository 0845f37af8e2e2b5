// Writes the WebAssembly text of TopicKD's SIMD matrix product (src/gemm/gemm.wat):
//
//   gemm_nn(a, lda, b, ldb, c, ldc, M, N, K):  C[M,N] = A·B with A(i,k) = a[i·lda + k]
//   gemm_tn(a, lda, b, ldb, c, ldc, M, N, K):  C[M,N] = Aᵀ·B with A(i,k) = a[k·lda + i]
//   gemm_nt(a, lda, b, ldb, c, ldc, M, N, K):  C[M,N] = A·Bᵀ with B(j,k) = b[j·ldb + k]
//   colsum(x, rows, cols, out, scale):         out[j] = scale · Σᵢ x[i·cols + j]
//
// where (nn, tn) B(k,j) = b[k·ldb + j], C(i,j) = c[i·ldc + j]; pointers are byte offsets into the
// imported memory (tfjs's wasm heap) and C is overwritten. No packing: a register-blocked
// micro-kernel (MR rows × 8 columns held in 2·MR f32x4 accumulators; A broadcast with
// v128.load32_splat, B read as two f32x4 rows) runs over column panels of B, K in blocks
// of KC so a panel of B stays in L1 while every row block of A (MC rows) passes over it.
// Column tails use a 4-wide then a scalar kernel, row tails a 1-row kernel. gemm_nt keeps
// 2 rows × 4 columns of dot products along k (A and B both read contiguously).
//
// A second module (gemm-fma.wat) uses relaxed SIMD's f32x4.relaxed_madd, a fused
// multiply-add where the CPU has one: ~1.3× the plain module's speed on this machine. It
// runs where the runtime validates relaxed SIMD (Chrome ≥ 114, Node ≥ 22; Node 20 with
// --experimental-wasm-relaxed-simd).
//
// The code is generated because its 12 micro-kernels differ only in sizes; the generated
// text is committed beside its compiled bytes (scripts/build-wasm-kernels.mjs).
export const GEMM_MR = 4;
export const GEMM_KC = 256;


// out[j] = scale · Σ_i x[i·cols + j]: column sums (1ᵀ·X) of a row-major matrix, for Sum and
// Mean over the leading axis (batch statistics, bias gradients). Columns in blocks of 16
// (four f32x4 accumulators: one cache line per row), then 4, then one at a time.
function colsumWat() {
  const L = [];
  L.push('  (func (export "colsum") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32) (param $scale f32)');
  L.push('    (local $j i32) (local $i i32) (local $p i32) (local $row i32) (local $vs v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)');
  L.push('    (local.set $row (i32.shl (local.get $cols) (i32.const 2)))');
  L.push('    (local.set $vs (f32x4.splat (local.get $scale)))');
  for (const [w, n] of [[16, 4], [4, 1]]) {
    L.push(`    (block $jd${w} (loop $jl${w}`);
    L.push(`      (br_if $jd${w} (i32.gt_u (i32.add (local.get $j) (i32.const ${w})) (local.get $cols)))`);
    for (let a = 0; a < n; a++) L.push(`      (local.set $a${a} (v128.const i32x4 0 0 0 0))`);
    L.push('      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))');
    L.push('      (local.set $i (local.get $rows))');
    L.push(`      (block $id${w} (loop $il${w}`);
    L.push(`        (br_if $id${w} (i32.eqz (local.get $i)))`);
    for (let a = 0; a < n; a++) L.push(`        (local.set $a${a} (f32x4.add (local.get $a${a}) (v128.load offset=${16 * a} (local.get $p))))`);
    L.push('        (local.set $p (i32.add (local.get $p) (local.get $row)))');
    L.push('        (local.set $i (i32.sub (local.get $i) (i32.const 1)))');
    L.push(`        (br $il${w})))`);
    for (let a = 0; a < n; a++) L.push(`      (v128.store offset=${16 * a} (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32x4.mul (local.get $a${a}) (local.get $vs)))`);
    L.push(`      (local.set $j (i32.add (local.get $j) (i32.const ${w})))`);
    L.push(`      (br $jl${w})))`);
  }
  L.push('    (block $jd1 (loop $jl1');
  L.push('      (br_if $jd1 (i32.ge_u (local.get $j) (local.get $cols)))');
  L.push('      (local.set $s (f32.const 0))');
  L.push('      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))');
  L.push('      (local.set $i (local.get $rows))');
  L.push('      (block $id1 (loop $il1');
  L.push('        (br_if $id1 (i32.eqz (local.get $i)))');
  L.push('        (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))');
  L.push('        (local.set $p (i32.add (local.get $p) (local.get $row)))');
  L.push('        (local.set $i (i32.sub (local.get $i) (i32.const 1)))');
  L.push('        (br $il1)))');
  L.push('      (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32.mul (local.get $s) (local.get $scale)))');
  L.push('      (local.set $j (i32.add (local.get $j) (i32.const 1)))');
  L.push('      (br $jl1)))');
  L.push('  )');
  return L.join('\n');
}

export function gemmWat({ MR = GEMM_MR, KC = GEMM_KC, MC = 128, NT_MR = 2, NT_KC = 1024, NT_MC = 64, fma = false, shared = false } = {}) {
  const kernels = new Map();
  // acc + x·y: a multiply and an add, or one fused multiply-add (relaxed SIMD; on x86 with
  // FMA it is fused, so results may differ from the plain module in the last bits)
  const madd = (acc, x, y) => (fma ? `(f32x4.relaxed_madd ${x} ${y} ${acc})` : `(f32x4.add ${acc} (f32x4.mul ${x} ${y}))`);

  // One micro-kernel: C[mr rows, 4·nv columns (1 column when nv = 0)] (+)= A-block · B-panel over K.
  const kernel = (mode, mr, nv) => {
    const name = `$k_${mode}_${mr}x${nv === 0 ? 1 : 4 * nv}`;
    if (kernels.has(name)) return name;
    const vec = nv > 0;
    const T = vec ? 'v128' : 'f32';
    const op = vec ? 'f32x4' : 'f32';
    const nc = Math.max(nv, 1);
    const acc = (r, v) => `$c${r}_${v}`;
    const L = [];
    L.push(`  ;; ${mode}: C[${mr}×${vec ? 4 * nv : 1}] ${'(+)'}= A·B over K; $add: add to C instead of overwriting it`);
    L.push(`  (func ${name} (param $pa i32) (param $lda i32) (param $pb i32) (param $ldb i32) (param $pc i32) (param $ldc i32) (param $K i32) (param $add i32)`);
    const locals = ['(local $sa i32) (local $sb i32) (local $sc i32)'];
    if (mode === 'nn') for (let r = 1; r < mr; r++) locals.push(`(local $r${r} i32)`);
    locals.push(`(local $x ${T})`);
    for (let v = 0; v < nc; v++) locals.push(`(local $b${v} ${T})`);
    for (let r = 0; r < mr; r++) for (let v = 0; v < nc; v++) locals.push(`(local ${acc(r, v)} ${T})`);
    L.push(`    ${locals.join(' ')}`);
    L.push(`    (local.set $sb (i32.shl (local.get $ldb) (i32.const 2)))`);
    L.push(`    (local.set $sc (i32.shl (local.get $ldc) (i32.const 2)))`);
    if (mode === 'nn') {
      // rows of A are lda apart; k advances by one float
      L.push(`    (local.set $sa (i32.const 4))`);
      for (let r = 1; r < mr; r++) L.push(`    (local.set $r${r} (i32.mul (local.get $lda) (i32.const ${4 * r})))`);
    } else {
      // A is stored transposed: the block's rows are adjacent floats; k advances by lda
      L.push(`    (local.set $sa (i32.shl (local.get $lda) (i32.const 2)))`);
    }
    const cAt = (r) => (r === 0 ? '(local.get $pc)' : `(i32.add (local.get $pc) (i32.mul (local.get $sc) (i32.const ${r})))`);
    L.push(`    (if (local.get $add) (then`);
    for (let r = 0; r < mr; r++) for (let v = 0; v < nc; v++) L.push(`      (local.set ${acc(r, v)} (${T}.load offset=${16 * v} ${cAt(r)}))`);
    L.push(`    ))`);
    const aLoad = (r) => {
      const addr = mode === 'nn' && r > 0 ? `(i32.add (local.get $pa) (local.get $r${r}))` : '(local.get $pa)';
      const off = mode === 'nn' ? 0 : 4 * r;
      return vec ? `(v128.load32_splat offset=${off} ${addr})` : `(f32.load offset=${off} ${addr})`;
    };
    L.push(`    (block $done (loop $k`);
    L.push(`      (br_if $done (i32.eqz (local.get $K)))`);
    for (let v = 0; v < nc; v++) L.push(`      (local.set $b${v} (${T}.load offset=${16 * v} (local.get $pb)))`);
    for (let r = 0; r < mr; r++) {
      L.push(`      (local.set $x ${aLoad(r)})`);
      for (let v = 0; v < nc; v++) L.push(`      (local.set ${acc(r, v)} ${vec ? madd(`(local.get ${acc(r, v)})`, '(local.get $x)', `(local.get $b${v})`) : `(f32.add (local.get ${acc(r, v)}) (f32.mul (local.get $x) (local.get $b${v})))`})`);
    }
    L.push(`      (local.set $pa (i32.add (local.get $pa) (local.get $sa)))`);
    L.push(`      (local.set $pb (i32.add (local.get $pb) (local.get $sb)))`);
    L.push(`      (local.set $K (i32.sub (local.get $K) (i32.const 1)))`);
    L.push(`      (br $k)))`);
    for (let r = 0; r < mr; r++) for (let v = 0; v < nc; v++) L.push(`    (${T}.store offset=${16 * v} ${cAt(r)} (local.get ${acc(r, v)}))`);
    L.push(`  )`);
    kernels.set(name, L.join('\n'));
    return name;
  };

  const cAtDriver = '(i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2)))';

  // An exported product: K in blocks of kc, rows in blocks of mc (so the block of A stays in L2
  // while B's panels pass), then column passes of decreasing width, each calling a micro-kernel
  // per row block (rowBlocks: the kernel's rows, then 1 for the tail). A pass with `once` runs
  // at most one column block.
  const blockedDriver = ({ name, aAt, bAt, kc, mc, rowBlocks, passes }) => {
    const L = [];
    L.push(`  (func (export "${name}") (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $M i32) (param $N i32) (param $K i32)`);
    L.push(`    (local $i i32) (local $j i32) (local $k0 i32) (local $kc i32) (local $i0 i32) (local $iEnd i32)`);
    const columnPass = ({ width, kernelFor, once }) => {
      const out = [
        `      (block $jd${width} (loop $jl${width}`,
        `        (br_if $jd${width} (i32.gt_u (i32.add (local.get $j) (i32.const ${width})) (local.get $N)))`,
        '        (local.set $i (local.get $i0))',
      ];
      for (const mr of rowBlocks) {
        out.push(
          `        (block $id${width}_${mr} (loop $il${width}_${mr}`,
          `          (br_if $id${width}_${mr} (i32.gt_u (i32.add (local.get $i) (i32.const ${mr})) (local.get $iEnd)))`,
          `          (call ${kernelFor(mr)} ${aAt} (local.get $lda) ${bAt} (local.get $ldb) ${cAtDriver} (local.get $ldc) (local.get $kc) (local.get $k0))`,
          `          (local.set $i (i32.add (local.get $i) (i32.const ${mr})))`,
          `          (br $il${width}_${mr})))`,
        );
      }
      out.push(`        (local.set $j (i32.add (local.get $j) (i32.const ${width})))`, once ? `        (br $jd${width})))` : `        (br $jl${width})))`);
      return out;
    };
    L.push('    (block $kdone (loop $kl');
    L.push('      (br_if $kdone (i32.ge_u (local.get $k0) (local.get $K)))');
    L.push(`      (local.set $kc (select (i32.sub (local.get $K) (local.get $k0)) (i32.const ${kc}) (i32.lt_u (i32.sub (local.get $K) (local.get $k0)) (i32.const ${kc}))))`);
    L.push('      (local.set $i0 (i32.const 0))');
    L.push('      (block $mdone (loop $ml');
    L.push('        (br_if $mdone (i32.ge_u (local.get $i0) (local.get $M)))');
    L.push(`        (local.set $iEnd (select (local.get $M) (i32.add (local.get $i0) (i32.const ${mc})) (i32.lt_u (i32.sub (local.get $M) (local.get $i0)) (i32.const ${mc}))))`);
    L.push('      (local.set $j (i32.const 0))');
    for (const pass of passes) L.push(...columnPass(pass));
    L.push(`        (local.set $i0 (i32.add (local.get $i0) (i32.const ${mc})))`);
    L.push('        (br $ml)))');
    L.push(`      (local.set $k0 (i32.add (local.get $k0) (i32.const ${kc})))`);
    L.push('      (br $kl)))');
    L.push('  )');
    return L.join('\n');
  };

  // A·B (nn) and Aᵀ·B (tn): B's rows along j; A(i,k) at a[i·lda + k] or a[k·lda + i]
  const driver = (mode) =>
    blockedDriver({
      name: `gemm_${mode}`,
      aAt:
        mode === 'nn'
          ? '(i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $lda)) (local.get $k0)) (i32.const 2)))'
          : '(i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $lda)) (local.get $i)) (i32.const 2)))',
      bAt: '(i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $ldb)) (local.get $j)) (i32.const 2)))',
      kc: KC,
      mc: MC,
      rowBlocks: [MR, 1],
      passes: [
        { width: 8, kernelFor: (mr) => kernel(mode, mr, 2), once: false },
        { width: 4, kernelFor: (mr) => kernel(mode, mr, 1), once: true },
        { width: 1, kernelFor: (mr) => kernel(mode, mr, 0), once: false },
      ],
    });

  // C = A·Bᵀ with both operands read along k (rows of A and of B are contiguous in k):
  // mr rows × nc columns of dot products, each accumulated in one f32x4 over k in steps
  // of 4 and reduced at the end; the last K mod 4 terms are added lane-wise.
  const ntKernel = (mr, nc) => {
    const name = `$k_nt_${mr}x${nc}`;
    if (kernels.has(name)) return name;
    const acc = (r, c) => `$c${r}_${c}`;
    const L = [];
    L.push(`  ;; nt: C[${mr}×${nc}] (+)= A·Bᵀ over K`);
    L.push('  (func ' + name + ' (param $pa i32) (param $lda i32) (param $pb i32) (param $ldb i32) (param $pc i32) (param $ldc i32) (param $K i32) (param $add i32)');
    const locals = ['(local $k i32) (local $k4 i32) (local $o i32) (local $x v128) (local $y v128) (local $bv v128)'];
    for (let c = 0; c < nc; c++) locals.push(`(local $b${c} v128)`);
    for (let r = 0; r < mr; r++) {
      locals.push(`(local $t${r} v128)`);
      for (let c = 0; c < nc; c++) locals.push(`(local ${acc(r, c)} v128)`);
    }
    L.push(`    ${locals.join(' ')}`);
    const aRow = (r) => (r === 0 ? '(local.get $pa)' : `(i32.add (local.get $pa) (i32.mul (local.get $lda) (i32.const ${4 * r})))`);
    const bRow = (c) => (c === 0 ? '(local.get $pb)' : `(i32.add (local.get $pb) (i32.mul (local.get $ldb) (i32.const ${4 * c})))`);
    const cAt = (r) => (r === 0 ? '(local.get $pc)' : `(i32.add (local.get $pc) (i32.mul (local.get $ldc) (i32.const ${4 * r})))`);
    L.push('    (local.set $k4 (i32.and (local.get $K) (i32.const -4)))');
    L.push('    (block $done (loop $kl');
    L.push('      (br_if $done (i32.ge_u (local.get $k) (local.get $k4)))');
    L.push('      (local.set $o (i32.shl (local.get $k) (i32.const 2)))');
    for (let c = 0; c < nc; c++) L.push(`      (local.set $b${c} (v128.load (i32.add ${bRow(c)} (local.get $o))))`);
    for (let r = 0; r < mr; r++) {
      L.push(`      (local.set $x (v128.load (i32.add ${aRow(r)} (local.get $o))))`);
      for (let c = 0; c < nc; c++) L.push(`      (local.set ${acc(r, c)} ${madd(`(local.get ${acc(r, c)})`, '(local.get $x)', `(local.get $b${c})`)})`);
    }
    L.push('      (local.set $k (i32.add (local.get $k) (i32.const 4)))');
    L.push('      (br $kl)))');
    // the last K mod 4 terms: lane c of $t_r collects A(r,k)·B(c,k)
    L.push('    (block $tdone (loop $tl');
    L.push('      (br_if $tdone (i32.ge_u (local.get $k) (local.get $K)))');
    L.push('      (local.set $o (i32.shl (local.get $k) (i32.const 2)))');
    L.push(`      (local.set $bv (f32x4.splat (f32.load (i32.add ${bRow(0)} (local.get $o)))))`);
    for (let c = 1; c < nc; c++) L.push(`      (local.set $bv (f32x4.replace_lane ${c} (local.get $bv) (f32.load (i32.add ${bRow(c)} (local.get $o)))))`);
    for (let r = 0; r < mr; r++) L.push(`      (local.set $t${r} ${madd(`(local.get $t${r})`, `(v128.load32_splat (i32.add ${aRow(r)} (local.get $o)))`, '(local.get $bv)')})`);
    L.push('      (local.set $k (i32.add (local.get $k) (i32.const 1)))');
    L.push('      (br $tl)))');
    for (let r = 0; r < mr; r++) {
      if (nc === 4) {
        // [Σc0, Σc1, Σc2, Σc3] from the four accumulators, plus the tail
        const sh = (a, b, lanes) => `(i8x16.shuffle ${lanes.flatMap((l) => [0, 1, 2, 3].map((q) => 4 * l + q)).join(' ')} (local.get ${a}) (local.get ${b}))`;
        L.push(`    (local.set $x (f32x4.add ${sh(acc(r, 0), acc(r, 1), [0, 1, 4, 5])} ${sh(acc(r, 0), acc(r, 1), [2, 3, 6, 7])}))`);
        L.push(`    (local.set $y (f32x4.add ${sh(acc(r, 2), acc(r, 3), [0, 1, 4, 5])} ${sh(acc(r, 2), acc(r, 3), [2, 3, 6, 7])}))`);
        L.push(`    (local.set $x (f32x4.add (f32x4.add ${sh('$x', '$y', [0, 2, 4, 6])} ${sh('$x', '$y', [1, 3, 5, 7])}) (local.get $t${r})))`);
        L.push(`    (if (local.get $add) (then (local.set $x (f32x4.add (local.get $x) (v128.load ${cAt(r)})))))`);
        L.push(`    (v128.store ${cAt(r)} (local.get $x))`);
      } else {
        const sh = (a, lanes) => `(i8x16.shuffle ${lanes.flatMap((l) => [0, 1, 2, 3].map((q) => 4 * l + q)).join(' ')} (local.get ${a}) (local.get ${a}))`;
        L.push(`    (local.set $x (f32x4.add (local.get ${acc(r, 0)}) ${sh(acc(r, 0), [2, 3, 2, 3])}))`);
        L.push(`    (local.set $x (f32x4.add (f32x4.add (local.get $x) ${sh('$x', [1, 1, 1, 1])}) (local.get $t${r})))`);
        L.push(`    (if (local.get $add) (then (local.set $x (f32x4.add (local.get $x) (v128.load32_splat ${cAt(r)})))))`);
        L.push(`    (f32.store ${cAt(r)} (f32x4.extract_lane 0 (local.get $x)))`);
      }
    }
    L.push('  )');
    kernels.set(name, L.join('\n'));
    return name;
  };

  // A·Bᵀ: rows of B along k
  const ntDriver = () =>
    blockedDriver({
      name: 'gemm_nt',
      aAt: '(i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $lda)) (local.get $k0)) (i32.const 2)))',
      bAt: '(i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $ldb)) (local.get $k0)) (i32.const 2)))',
      kc: NT_KC,
      mc: NT_MC,
      rowBlocks: [NT_MR, 1],
      passes: [
        { width: 4, kernelFor: (mr) => ntKernel(mr, 4), once: false },
        { width: 1, kernelFor: (mr) => ntKernel(mr, 1), once: false },
      ],
    });

  const drivers = [driver('nn'), driver('tn'), ntDriver()];
  return [
    `;; generated by scripts/gemm-wat.mjs (see there)${fma ? ' with fused multiply-adds (relaxed SIMD)' : ''}; compiled by scripts/build-wasm-kernels.mjs`,
    '(module',
    // shared: the module of the threaded product (gemm-pool.ts), whose threads all import one
    // shared memory (its maximum, 16384 pages = 1 GiB, is the pool's)
    shared ? '  (import "env" "memory" (memory 1 16384 shared))' : '  (import "env" "memory" (memory 1))',
    ...kernels.values(),
    ...drivers,
    colsumWat(),
    ')',
    '',
  ].join('\n');
}
